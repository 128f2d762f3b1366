import Diagnostics

/// A piece of gateway.conf text with its exact place: 1-based line and columns counted in Unicode
/// scalars. `endColumn` is exclusive (the column after the last character), as in SARIF.
struct Token: Sendable, Hashable {
var text: String
var file: String
var line: Int
var column: Int

init(text: String, file: String, line: Int, column: Int) {
        self.text = text
        self.file = file
        self.line = line
        self.column = column
    }

var endColumn: Int { column + text.unicodeScalars.count }

var span: SourceSpan {
        SourceSpan(file: file, line: line, column: column, endLine: line, endColumn: endColumn)
    }

    /// The sub-token covering `range` of `text`, with its own columns.
func slice(_ range: Range<String.Index>) -> Token {
        let offset = text.unicodeScalars[text.startIndex..<range.lowerBound].count
        return Token(text: String(text[range]), file: file, line: line, column: column + offset)
    }

    /// The same token with blanks (space, tab) removed at both ends.
func trimmed() -> Token {
        let s = text.unicodeScalars
        guard let first = s.firstIndex(where: { !Token.isBlank($0) }) else {
            return Token(text: "", file: file, line: line, column: column)
        }
        let last = s.lastIndex(where: { !Token.isBlank($0) }) ?? first
        return slice(first..<s.index(after: last))
    }

    /// Comma-separated items, each trimmed, empty items dropped.
func commaItems() -> [Token] {
        var out: [Token] = []
        var start = text.startIndex
        for i in text.indices where text[i] == "," {
            out.append(slice(start..<i).trimmed())
            start = text.index(after: i)
        }
        out.append(slice(start..<text.endIndex).trimmed())
        return out.filter { !$0.text.isEmpty }
    }

    /// The span of a single character at `index` (for findings that point inside a value).
func span(at index: String.Index) -> SourceSpan {
        let col = column + text.unicodeScalars[text.startIndex..<index].count
        return SourceSpan(file: file, line: line, column: col, endLine: line, endColumn: col + 1)
    }

    static func isBlank(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" }
}
