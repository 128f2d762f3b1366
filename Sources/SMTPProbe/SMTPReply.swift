/// One SMTP reply as the server wrote it: the three-digit code, the RFC 3463 enhanced status
/// when the server gives one, and the text of every line with both stripped.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    /// `5.7.1`, or nil when the first line carries none (greetings, EHLO, servers without
    /// ENHANCEDSTATUSCODES).
    public var enhancedStatus: String?
    /// The text of each line, code, separator and enhanced status removed.
    public var lines: [String]

    public init(code: Int, enhancedStatus: String?, lines: [String]) {
        self.code = code
        self.enhancedStatus = enhancedStatus
        self.lines = lines
    }

    /// The lines joined by newlines (Postfix's rejects are one line).
    public var text: String { lines.joined(separator: "\n") }

    public var isPositive: Bool { (200..<400).contains(code) }
    public var isTransient: Bool { (400..<500).contains(code) }
    public var isPermanent: Bool { (500..<600).contains(code) }

    /// The first line as it came over the wire: `554 5.7.1 <a@b>: Relay access denied`.
    public var description: String {
        var s = String(code)
        if let enhancedStatus { s += " " + enhancedStatus }
        if let first = lines.first, !first.isEmpty { s += " " + first }
        return s
    }
}

extension SMTPReply {
    /// Splits `5.7.1 text` into the status and the text; nil status when the line does not start
    /// with `class.subject.detail` whose class matches the reply code's first digit.
    static func splitEnhanced(_ text: Substring, code: Int) -> (String?, String) {
        let word = text.prefix { $0 != " " }
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) }),
              parts[0] == String(code / 100) else { return (nil, String(text)) }
        return (String(word), String(text.dropFirst(word.count).drop { $0 == " " }))
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
