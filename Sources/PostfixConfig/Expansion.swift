/// Postfix's `$name` expansion (src/util/mac_expand.c), applied recursively:
/// `$name`, `${name}`, `$(name)`; `${name?text}` (text when `$name` is non-empty),
/// `${name:text}` (text when it is empty), `${name?{a}:{b}}`; `$$` is a literal `$`;
/// `${{x} op {y} ? {a} : {b}}` with `==` `!=` `<` `<=` `>` `>=` (numeric) and the
/// compatibility-level forms `<level` `<=level` `>level` `>=level` (3.6), as the built-in
/// defaults use them. An undefined name expands to nothing and is reported to the caller.
public struct Expander {
    /// The raw (unexpanded) value of a parameter, or nil when it is undefined.
    public var lookup: (String) -> String?
    /// Names that were referenced but undefined, in order of first use.
    public private(set) var undefined: [String] = []
    /// Names that were referenced (defined or not).
    public private(set) var referenced: Set<String> = []

    public init(lookup: @escaping (String) -> String?) { self.lookup = lookup }

    public mutating func expand(_ text: String) -> String {
        var active: [String] = []
        return String(decoding: expand(Array(text.utf8), depth: 0, active: &active), as: UTF8.self)
    }

    private mutating func value(of name: String, depth: Int, active: inout [String]) -> [UInt8] {
        referenced.insert(name)
        guard let raw = lookup(name) else {
            if !undefined.contains(name) { undefined.append(name) }
            return []
        }
        // A loop (`a = $b`, `b = $a`) stops expanding instead of recursing forever.
        guard depth < 100, !active.contains(name) else { return [] }
        active.append(name)
        defer { active.removeLast() }
        return expand(Array(raw.utf8), depth: depth + 1, active: &active)
    }

    private mutating func expand(_ s: [UInt8], depth: Int, active: inout [String]) -> [UInt8] {
        guard s.contains(0x24) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let c = s[i]
            guard c == 0x24, i + 1 < s.count else { out.append(c); i += 1; continue }
            let next = s[i + 1]
            if next == 0x24 { out.append(0x24); i += 2; continue }
            if Self.isNameByte(next) {
                var j = i + 1
                while j < s.count, Self.isNameByte(s[j]) { j += 1 }
                out += value(of: String(decoding: s[(i + 1)..<j], as: UTF8.self), depth: depth, active: &active)
                i = j
                continue
            }
            guard next == 0x7b || next == 0x28, let close = Self.matching(s, i + 1) else {
                out.append(c); i += 1; continue
            }
            out += expandBraced(Array(s[(i + 2)..<close]), depth: depth, active: &active)
            i = close + 1
        }
        return out
    }

    /// The inside of `${...}` or `$(...)`.
    private mutating func expandBraced(_ body: [UInt8], depth: Int, active: inout [String]) -> [UInt8] {
        if body.first == 0x7b { return relational(body, depth: depth, active: &active) }
        var j = 0
        while j < body.count, Self.isNameByte(body[j]) { j += 1 }
        let name = String(decoding: body[0..<j], as: UTF8.self)
        let v = value(of: name, depth: depth, active: &active)
        guard j < body.count else { return v }
        let op = body[j]
        let rest = Array(body[(j + 1)...])
        let (whenTrue, whenFalse) = Self.alternatives(rest)
        switch op {
        case 0x3f: // ?
            return v.isEmpty ? expand(whenFalse ?? [], depth: depth, active: &active)
                             : expand(whenTrue, depth: depth, active: &active)
        case 0x3a: // :
            return v.isEmpty ? expand(whenTrue, depth: depth, active: &active) : []
        default:
            return v
        }
    }

    /// `{x} op {y} ? {a} : {b}`.
    private mutating func relational(_ body: [UInt8], depth: Int, active: inout [String]) -> [UInt8] {
        guard let c1 = Self.matching(body, 0) else { return [] }
        let left = Self.trim(expand(Array(body[1..<c1]), depth: depth, active: &active))
        var i = c1 + 1
        while i < body.count, body[i].isPostfixSpace { i += 1 }
        var opEnd = i
        while opEnd < body.count, body[opEnd] != 0x7b, !body[opEnd].isPostfixSpace { opEnd += 1 }
        let op = String(decoding: body[i..<opEnd], as: UTF8.self)
        i = opEnd
        while i < body.count, body[i].isPostfixSpace { i += 1 }
        guard i < body.count, body[i] == 0x7b, let c2 = Self.matching(body, i) else { return [] }
        let right = Self.trim(expand(Array(body[(i + 1)..<c2]), depth: depth, active: &active))
        i = c2 + 1
        while i < body.count, body[i].isPostfixSpace { i += 1 }
        guard i < body.count, body[i] == 0x3f else { return [] }
        let (a, b) = Self.alternatives(Array(body[(i + 1)...]))
        let l = String(decoding: left, as: UTF8.self), r = String(decoding: right, as: UTF8.self)
        let truth = Self.compare(l, op, r)
        return expand(truth ? a : (b ?? []), depth: depth, active: &active)
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
