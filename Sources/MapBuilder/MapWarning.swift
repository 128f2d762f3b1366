/// A problem in a table source, at a 1-based line and byte column. The library returns these as
/// values; callers turn them into diagnostics or print `postmapText`.
public struct MapWarning: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        // Indexed-table sources (postmap).
        case badFormat = "bad-format"
        case aliasFormat = "alias-format"
        case leadingWhitespace = "leading-whitespace"
        case unbalancedQuote = "unbalanced-quote"
        case duplicateEntry = "duplicate-entry"
        case nonUTF8 = "non-utf8"
        // Regex tables (dict_pcre / dict_regexp).
        case regexSyntax = "regex-syntax"
        case regexFlag = "regex-flag"
        case regexCompile = "regex-compile"
        case regexSubstitution = "regex-substitution"
        case regexIfEndif = "regex-if-endif"
        case regexMissingResult = "regex-missing-result"
    }

    public var kind: Kind
    public var file: String
    public var line: Int
    public var column: Int
    /// Lower-case message that stands alone (no file or line prefix).
    public var message: String
    /// The line exactly as Postfix prints it after `postmap: warning: ` (for differential tests
    /// and for users who grep logs).
    public var postmapText: String

    public init(kind: Kind, file: String, line: Int, column: Int, message: String, postmapText: String? = nil) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.postmapText = postmapText ?? "\(file), line \(line): \(message)"
    }

    /// `file:line:col: warning: message`.
    public var description: String { "\(file):\(line):\(column): warning: \(message)" }
}
