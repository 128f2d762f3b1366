import FileLayer
import FoundationEssentials

/// Postfix's `$name` expansion (src/util/mac_expand.c), applied recursively:
/// `$name`, `${name}`, `$(name)`; `${name?text}` (text when `$name` is non-empty),
/// `${name:text}` (text when it is empty), `${name?{a}:{b}}`; `$$` is a literal `$`;
/// `${{x} op {y} ? {a} : {b}}` with `==` `!=` `<` `<=` `>` `>=` (numeric) and the
/// compatibility-level forms `<level` `<=level` `>level` `>=level` (3.6), as the built-in
/// defaults use them. An undefined name expands to nothing and is reported to the caller.
///
/// Nesting is limited as in mac_expand: a non-empty value or conditional text is expanded one
/// level below the text that names it (the text being expanded is level 0), and a text deeper
/// than level 100 fails the whole expansion: Postfix warns `unreasonable macro call nesting`
/// and its daemons stop with `macro processing error`. Every loop (`a = $b`, `b = $a`) ends
/// there; it is caught at once by the active-name stack. After a failure nothing more is
/// expanded, as in Postfix, so no input costs more than one pass. With an `ExpansionMemo`
/// each parameter is expanded once per scope (a value with its nesting height), which keeps
/// `p2 = $p1 $p1`, `p3 = $p2 $p2`, ... linear in the size of the result.
public struct Expander {
    /// Postfix's limit: text at a deeper level fails the expansion.
    public static let maxLevel = 100

    /// The raw (unexpanded) value of a parameter, or nil when it is undefined.
    public var lookup: (String) -> String?
    /// Names that were referenced but undefined, in order of first use.
    public private(set) var undefined: [String] = []
    /// Names that were referenced (defined or not; a memoised value's own references are not
    /// visited again).
    public private(set) var referenced: Set<String> = []
    /// Set when the last `expand` failed as Postfix's would (nesting over `maxLevel`).
    public private(set) var nestingError: NestingError?

    private let memo: ExpansionMemo?
    /// Names whose values are being expanded, outermost first.
    private var active: [String] = []
    /// Deepest level reached so far in the current subtree (for the memoised heights).
    private var reached = 0

    public init(memo: ExpansionMemo? = nil, lookup: @escaping (String) -> String?) {
        self.memo = memo
        self.lookup = lookup
    }

    /// Why an expansion failed: the names on the way down (the parameter that was being
    /// expanded first) and, for a loop, the name that came back.
    public struct NestingError: Equatable, Sendable {
        public var path: [String]
        public var loop: String?
    }

    public mutating func expand(_ text: String) -> String {
        nestingError = nil
        active.removeAll()
        reached = 0
        return String(decoding: expand(Array(text.utf8), level: 0), as: UTF8.self)
    }

    private mutating func fail(loop: String?, below name: String? = nil) {
        if nestingError == nil { nestingError = NestingError(path: active + (name.map { [$0] } ?? []), loop: loop) }
    }

    /// `$name` in a text at `level`: its value, expanded one level deeper.
    private mutating func value(of name: String, level: Int) -> [UInt8] {
        referenced.insert(name)
        guard let raw = lookup(name) else {
            if !undefined.contains(name) { undefined.append(name) }
            return []
        }
        guard nestingError == nil, !raw.isEmpty else { return [] }
        let inner = level + 1
        if let m = memo?.value(name) {
            reached = max(reached, inner + m.height)
            if inner + m.height > Self.maxLevel { fail(loop: nil, below: name); return [] }
            return m.bytes
        }
        if active.contains(name) { fail(loop: name); return [] }
        return nested(Array(raw.utf8), level: inner, name: name)
    }

    /// Expands `text` as a nested text at `level`, memoising it under `name` when it is a
    /// parameter's value and expanded completely.
    private mutating func nested(_ text: [UInt8], level: Int, name: String?) -> [UInt8] {
        guard nestingError == nil else { return [] }
        if let name { active.append(name) }
        defer { if name != nil { active.removeLast() } }
        guard level <= Self.maxLevel else { fail(loop: nil); return [] }
        let outer = reached
        reached = level
        let out = expand(text, level: level)
        if let name, nestingError == nil { memo?.store(name, bytes: out, height: reached - level) }
        reached = max(outer, reached)
        return out
    }

    private mutating func expand(_ s: [UInt8], level: Int) -> [UInt8] {
        guard s.contains(0x24) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count, nestingError == nil {
            let c = s[i]
            guard c == 0x24, i + 1 < s.count else { out.append(c); i += 1; continue }
            let next = s[i + 1]
            if next == 0x24 { out.append(0x24); i += 2; continue }
            if Self.isNameByte(next) {
                var j = i + 1
                while j < s.count, Self.isNameByte(s[j]) { j += 1 }
                out += value(of: String(decoding: s[(i + 1)..<j], as: UTF8.self), level: level)
                i = j
                continue
            }
            guard next == 0x7b || next == 0x28, let close = Self.matching(s, i + 1) else {
                out.append(c); i += 1; continue
            }
            out += expandBraced(Array(s[(i + 2)..<close]), level: level)
            i = close + 1
        }
        return out
    }

    /// The inside of `${...}` or `$(...)`.
    private mutating func expandBraced(_ body: [UInt8], level: Int) -> [UInt8] {
        if body.first == 0x7b { return relational(body, level: level) }
        var j = 0
        while j < body.count, Self.isNameByte(body[j]) { j += 1 }
        let name = String(decoding: body[0..<j], as: UTF8.self)
        guard j < body.count, body[j] == 0x3f || body[j] == 0x3a else { return value(of: name, level: level) }
        // `?` and `:` test the raw value without expanding it (MAC_EXP_MODE_TEST): `e = $undef`
        // counts as non-empty, and `x = ${x?y}` is no loop (both seen with postconf 3.7).
        referenced.insert(name)
        let raw = lookup(name)
        if raw == nil, !undefined.contains(name) { undefined.append(name) }
        let empty = raw?.isEmpty ?? true
        let (whenTrue, whenFalse) = Self.alternatives(Array(body[(j + 1)...]))
        // A conditional text, like a value, is expanded one level deeper.
        if body[j] == 0x3f { return conditional(empty ? whenFalse ?? [] : whenTrue, level: level) }
        return empty ? conditional(whenTrue, level: level) : []
    }

    private mutating func conditional(_ text: [UInt8], level: Int) -> [UInt8] {
        text.isEmpty ? [] : nested(text, level: level + 1, name: nil)
    }

    /// `{x} op {y} ? {a} : {b}`.
    private mutating func relational(_ body: [UInt8], level: Int) -> [UInt8] {
        guard let c1 = Self.matching(body, 0) else { return [] }
        let left = Self.trim(expand(Array(body[1..<c1]), level: level))
        var i = c1 + 1
        while i < body.count, body[i].isPostfixSpace { i += 1 }
        var opEnd = i
        while opEnd < body.count, body[opEnd] != 0x7b, !body[opEnd].isPostfixSpace { opEnd += 1 }
        let op = String(decoding: body[i..<opEnd], as: UTF8.self)
        i = opEnd
        while i < body.count, body[i].isPostfixSpace { i += 1 }
        guard i < body.count, body[i] == 0x7b, let c2 = Self.matching(body, i) else { return [] }
        let right = Self.trim(expand(Array(body[(i + 1)..<c2]), level: level))
        i = c2 + 1
        while i < body.count, body[i].isPostfixSpace { i += 1 }
        guard i < body.count, body[i] == 0x3f else { return [] }
        let (a, b) = Self.alternatives(Array(body[(i + 1)...]))
        let l = String(decoding: left, as: UTF8.self), r = String(decoding: right, as: UTF8.self)
        let truth = Self.compare(l, op, r)
        return conditional(truth ? a : (b ?? []), level: level)
    }

    static func compare(_ l: String, _ op: String, _ r: String) -> Bool {
        if op.hasSuffix("level") {
            let a = CompatibilityLevel(l), b = CompatibilityLevel(r)
            switch op {
            case "<level": return a < b
            case "<=level": return a <= b
            case ">level": return a > b
            case ">=level": return a >= b
            default: return false
            }
        }
        switch op {
        case "==": return l == r
        case "!=": return l != r
        default: break
        }
        let a = Int(l) ?? 0, b = Int(r) ?? 0
        switch op {
        case "<": return a < b
        case "<=": return a <= b
        case ">": return a > b
        case ">=": return a >= b
        default: return false
        }
    }

    /// `text` alone, or `{a}:{b}` (braces optional around a single alternative).
    static func alternatives(_ s: [UInt8]) -> ([UInt8], [UInt8]?) {
        var i = 0
        while i < s.count, s[i].isPostfixSpace { i += 1 }
        guard i < s.count, s[i] == 0x7b, let c = matching(s, i) else { return (s, nil) }
        let a = Array(s[(i + 1)..<c])
        var j = c + 1
        while j < s.count, s[j].isPostfixSpace { j += 1 }
        guard j < s.count, s[j] == 0x3a else { return (a, nil) }
        j += 1
        while j < s.count, s[j].isPostfixSpace { j += 1 }
        if j < s.count, s[j] == 0x7b, let c2 = matching(s, j) { return (a, Array(s[(j + 1)..<c2])) }
        return (a, Array(s[j...]))
    }

    /// Index of the bracket closing the `{` or `(` at `open`.
    static func matching(_ s: [UInt8], _ open: Int) -> Int? {
        guard open < s.count else { return nil }
        let o = s[open], c: UInt8 = o == 0x7b ? 0x7d : 0x29
        var depth = 0
        for k in open..<s.count {
            if s[k] == o { depth += 1 } else if s[k] == c {
                depth -= 1
                if depth == 0 { return k }
            }
        }
        return nil
    }

    static func trim(_ s: [UInt8]) -> [UInt8] {
        var a = 0, b = s.count
        while a < b, s[a].isPostfixSpace { a += 1 }
        while b > a, s[b - 1].isPostfixSpace { b -= 1 }
        return Array(s[a..<b])
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x5f
    }
}

/// A compatibility level: `0`, `1`, `2`, `3.6`, `3.6.1` compared part by part.
public struct CompatibilityLevel: Comparable, Sendable, CustomStringConvertible {
    public var parts: [Int]
    public init(_ text: String) {
        parts = text.split(separator: ".").map { Int($0) ?? 0 }
        if parts.isEmpty { parts = [0] }
    }
    public static func < (a: CompatibilityLevel, b: CompatibilityLevel) -> Bool {
        for k in 0..<max(a.parts.count, b.parts.count) {
            let x = k < a.parts.count ? a.parts[k] : 0, y = k < b.parts.count ? b.parts[k] : 0
            if x != y { return x < y }
        }
        return false
    }
    public static func == (a: CompatibilityLevel, b: CompatibilityLevel) -> Bool { !(a < b) && !(b < a) }
    public var description: String { parts.map(String.init).joined(separator: ".") }
}

/// The expanded values of one scope's parameters, shared by every `Expander` over it, so that
/// each parameter is expanded once: the bytes and the nesting height below the value (0 when
/// it names nothing). Only complete expansions are kept; they do not depend on the level they
/// were reached from.
public final class ExpansionMemo: @unchecked Sendable {
    private let lock = ThreadLock()
    private var values: [String: (bytes: [UInt8], height: Int)] = [:]

    public init() {}

    func value(_ name: String) -> (bytes: [UInt8], height: Int)? {
        lock.withLock { values[name] }
    }

    /// How many parameters have been expanded (each once).
    var count: Int { lock.withLock { values.count } }

    func store(_ name: String, bytes: [UInt8], height: Int) {
        lock.withLock { values[name] = (bytes, height) }
    }
}
