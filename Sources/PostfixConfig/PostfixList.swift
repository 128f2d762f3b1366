/// Postfix's list splitting (src/util/mystrtok.c `mystrtokq`): items are separated by commas
/// and whitespace (space, tab, CR, LF); `{ ... }` groups an item that holds separators, e.g.
/// `check_policy_service { inet:127.0.0.1:10023, timeout=10s }`.
public enum PostfixList {
    /// Byte ranges of the items of `s`.
    public static func ranges(_ s: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < s.count {
            while i < s.count, isSeparator(s[i]) { i += 1 }
            guard i < s.count else { break }
            let start = i
            var depth = 0
            while i < s.count {
                let c = s[i]
                if c == 0x7b { depth += 1 } else if c == 0x7d, depth > 0 { depth -= 1 } else if depth == 0, isSeparator(c) { break }
                i += 1
            }
            out.append(start..<i)
        }
        return out
    }

    public static func split(_ text: String) -> [String] {
        let b = Array(text.utf8)
        return ranges(b).map { String(decoding: b[$0], as: UTF8.self) }
    }

    /// `{ text }` without its braces and surrounding whitespace; other text unchanged.
    public static func ungroup(_ item: String) -> String {
        guard item.hasPrefix("{"), item.hasSuffix("}"), item.count >= 2 else { return item }
        return String(item.dropFirst().dropLast()).trimmingPostfixSpace()
    }

    static func isSeparator(_ c: UInt8) -> Bool { c == 0x2c || c.isPostfixSpace }
}

extension StringProtocol {
    /// Foundation's `trimmingCharacters(in: .whitespaces)`: tabs and Unicode space separators
    /// (category Zs) at either end; line breaks stay.
    public func trimmingBlanks() -> String {
        let scalars = String(self).unicodeScalars
        let blank: (Unicode.Scalar) -> Bool = { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
        guard let first = scalars.firstIndex(where: { !blank($0) }),
              let last = scalars.lastIndex(where: { !blank($0) }) else { return "" }
        return String(scalars[first...last])
    }
}

extension String {
    public func trimmingPostfixSpace() -> String {
        let b = Array(utf8)
        var a = 0, e = b.count
        while a < e, b[a].isPostfixSpace { a += 1 }
        while e > a, b[e - 1].isPostfixSpace { e -= 1 }
        return String(decoding: b[a..<e], as: UTF8.self)
    }
}
