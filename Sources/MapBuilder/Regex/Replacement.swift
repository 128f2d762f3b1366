/// A rule's result text split like Postfix's mac_parse(): literal runs (with `$$` already made
/// `$`) and `$n` / `${n}` / `$(n)` references to capture groups.
struct Replacement: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal([UInt8])
        case group(Int)
    }

    var parts: [Part]
    /// The largest `$n` (0 when the text is constant).
    var maxGroup: Int

    /// What went wrong in the prescan, worded as Postfix words it.
    enum Problem: Sendable, Hashable {
        /// mac_parse's own warning (no map prefix) — always followed by `badSyntax`.
        case truncated(String)
        case emptyName(String)
        case nonNumeric(String)
        case outOfRange(String)
    }

    /// mac_parse() + dict_{pcre,regexp}_prescan(): the parsed text and every problem in
    /// Postfix's order. A bad `$name` is reported and parsing goes on; a truncated `${` or an
    /// empty name stops it. Any problem means "bad replacement syntax: skipping this rule".
    static func parse(_ text: [UInt8]) -> (Replacement, [Problem]) {
        var parts: [Part] = []
        var problems: [Problem] = []
        var literal: [UInt8] = []
        var maxGroup = 0
        var i = 0
        let n = text.count
        let shown = String(decoding: text, as: UTF8.self)
        scan: while i < n {
            let c = text[i]
            if c != 0x24 {
                literal.append(c)
                i += 1
                continue
            }
            if i + 1 < n && text[i + 1] == 0x24 {
                literal.append(0x24)
                i += 2
                continue
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = [] }
            i += 1
            var name: [UInt8] = []
            if i < n && (text[i] == 0x7B || text[i] == 0x28) {
                let open = text[i], close: UInt8 = open == 0x7B ? 0x7D : 0x29
                var level = 1
                var e = i + 1
                while level > 0 {
                    guard e < n else {
                        problems.append(.truncated(shown))
                        break scan
                    }
                    if text[e] == open { level += 1 }
                    if text[e] == close { level -= 1 }
                    e += 1
                }
                name = Array(text[(i + 1)..<(e - 1)])
                i = e
            } else {
                var e = i
                while e < n && (isAlnum(text[e]) || text[e] == 0x5F) { e += 1 }
                name = Array(text[i..<e])
                i = e
            }
            if name.isEmpty {
                problems.append(.emptyName(shown))
                break scan
            }
            let nameText = String(decoding: name, as: UTF8.self)
            guard name.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                problems.append(.nonNumeric(nameText))
                continue
            }
            // atoi() semantics: a huge number is simply out of range later.
            let number = Int(nameText) ?? Int(Int32.max)
            if number < 1 {
                problems.append(.outOfRange(nameText))
                continue
            }
            maxGroup = max(maxGroup, number)
            parts.append(.group(number))
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return (Replacement(parts: parts, maxGroup: maxGroup), problems)
    }

    /// The result for a match; `group(n)` gives the captured bytes or nil when unset.
    func expand(_ group: (Int) -> ArraySlice<UInt8>?) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            switch part {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case .group(let n): if let g = group(n) { out.append(contentsOf: g) }
            }
        }
        return out
    }

    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }
}
