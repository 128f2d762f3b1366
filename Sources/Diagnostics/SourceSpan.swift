/// A region of a source file, 1-based and inclusive of `endColumn`'s start, as compilers print it.
public struct SourceSpan: Hashable, Sendable, Codable {
    public var file: String
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int

    public init(file: String, line: Int, column: Int, endLine: Int? = nil, endColumn: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.endLine = endLine ?? line
        self.endColumn = endColumn ?? column
    }

    /// A whole file, for findings that belong to no particular line (missing section, empty file).
    public static func file(_ path: String) -> SourceSpan {
        SourceSpan(file: path, line: 1, column: 1)
    }
}

extension SourceSpan: CustomStringConvertible {
    public var description: String { "\(file):\(line):\(column)" }
}
