extension AccessAction {
    public enum ParseError: Error, Equatable, Sendable {
        case empty
        /// A bare `554`: Postfix treats an all-digit value as OK, the opposite of what was meant.
        case bareCode(String)
        /// `4NN`/`5NN` need a text; `2NN`, `3NN` and other codes are not rejections.
        case badCode(String)
        case unknownKeyword(String)
        /// `OK` and `DUNNO` take no text.
        case unexpectedText(String)
        /// Text holding a control character or `$` (pcre tables substitute `$n`).
        case unsafeText(Character)
    }

    /// The access(5) actions gateway.conf allows: `OK`, `REJECT [text]`, `4NN text`, `5NN text`,
    /// `DEFER [text]`, `DUNNO`, `WARN [text]`. Keywords are case-insensitive, as in Postfix.
    public init(parsing raw: some StringProtocol) throws(ParseError) {
        let text = Substring(raw)
        guard !text.isEmpty else { throw .empty }
        let word = text.prefix { $0 != " " && $0 != "\t" }
        var rest = text.dropFirst(word.count)
        while let f = rest.first, f == " " || f == "\t" { rest = rest.dropFirst() }
        if let bad = rest.first(where: { $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f } || $0 == "$" }) {
            throw .unsafeText(bad)
        }
        let argument: String? = rest.isEmpty ? nil : String(rest)
        if word.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let a = argument else { throw .bareCode(String(word)) }
            guard word.count == 3, let code = Int(word), (400...599).contains(code) else { throw .badCode(String(word)) }
            self = .code(code, text: a)
            return
        }
        switch word.uppercased() {
        case "OK":
            guard argument == nil else { throw .unexpectedText(String(word)) }
            self = .ok
        case "DUNNO":
            guard argument == nil else { throw .unexpectedText(String(word)) }
            self = .dunno
        case "REJECT": self = .reject(text: argument)
        case "DEFER": self = .defer_(text: argument)
        case "WARN": self = .warn(text: argument ?? "")
        default: throw .unknownKeyword(String(word))
        }
    }
}

extension AccessAction.ParseError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .empty: "empty action"
        case .bareCode(let c): "bare code `\(c)` is an all-digit value, which Postfix treats as `OK`"
        case .badCode(let c): "`\(c)` is not a 4NN or 5NN reply code"
        case .unknownKeyword(let w): "unknown action `\(w)`"
        case .unexpectedText(let w): "`\(w)` takes no text"
        case .unsafeText(let c):
            c == "$" ? "`$` in reply text (pcre tables substitute `$n`)" : "control character in reply text"
        }
    }
}
