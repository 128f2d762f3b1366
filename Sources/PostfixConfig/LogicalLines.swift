import Diagnostics

/// Postfix's line reader (src/util/readlline.c), shared by main.cf, master.cf and map sources:
/// blank and `#` lines are skipped, a line starting with whitespace continues the previous one
/// (only the newline goes; the leading whitespace stays), a comment line inside a continued
/// entry is dropped. Each logical line keeps where each of its pieces came from, so any
/// substring maps back to an exact file:line:column.
public struct LogicalLine: Sendable {
    /// The joined text, as UTF-8 bytes.
    public var bytes: [UInt8]
    /// Where each physical piece starts inside `bytes`, and its line and column in the file.
    var pieces: [(offset: Int, line: Int, column: Int)]
    public var file: String

    public var text: String { String(decoding: bytes, as: UTF8.self) }
    /// The physical line the entry starts on.
    public var line: Int { pieces.first?.line ?? 1 }

    /// The span of `bytes[start..<end]` (end exclusive; an empty range gives a point).
    public func span(_ start: Int, _ end: Int) -> SourceSpan {
        let (l1, c1) = position(start)
        let (l2, c2) = position(max(start, end - 1))
        return SourceSpan(file: file, line: l1, column: c1, endLine: l2, endColumn: c2 + (end > start ? 1 : 0))
    }

    /// Pieces are in offset order: a binary search keeps a list continued over thousands of
    /// lines linear to lint (one span per item).
    func position(_ offset: Int) -> (Int, Int) {
        var best = pieces.first ?? (0, 1, 1)
        var lo = 0, hi = pieces.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if pieces[mid].offset <= offset { best = pieces[mid]; lo = mid + 1 } else { hi = mid - 1 }
        }
        return (best.line, best.column + offset - best.offset)
    }
}

/// A line that starts with whitespace before any entry: Postfix warns and skips it.
struct OrphanContinuation: Sendable {
    public var span: SourceSpan
}

enum LogicalLines {
    /// `read`, with each orphan continuation already turned into the finding Postfix's warning
    /// corresponds to (main.cf and master.cf share these rules).
    static func readReporting(_ data: [UInt8], file: String) -> (lines: [LogicalLine], diagnostics: [Diagnostic]) {
        let (lines, orphans) = read(data, file: file)
        let diagnostics = orphans.map {
            PostfixSyntaxFinding.syntax.diagnostic(
                "line starts with whitespace but continues nothing; Postfix ignores it", at: $0.span,
                fix: "remove the leading whitespace or join it to the entry above")
        }
        return (lines, diagnostics)
    }

    /// Splits `data` into logical lines. Columns are 1-based byte offsets.
    public static func read(_ data: [UInt8], file: String) -> (lines: [LogicalLine], orphans: [OrphanContinuation]) {
        var lines: [LogicalLine] = []
        var orphans: [OrphanContinuation] = []
        var current: LogicalLine?
        var lineNo = 0
        var i = 0
        let n = data.count
        while i < n {
            lineNo += 1
            var end = i
            while end < n && data[end] != 0x0a { end += 1 }
            var stop = end
            if stop > i && data[stop - 1] == 0x0d { stop -= 1 }
            defer { i = end + 1 }
            // First non-blank byte decides: blank line, comment, continuation or new entry.
            var j = i
            while j < stop && (data[j] == 0x20 || data[j] == 0x09) { j += 1 }
            if j == stop || data[j] == 0x23 { continue }
            if j > i {
                if var c = current {
                    current = nil  // keep `c` uniquely referenced: no copy of a long entry
                    c.pieces.append((c.bytes.count, lineNo, 1))
                    c.bytes.append(contentsOf: data[i..<stop])
                    current = c
                } else {
                    orphans.append(OrphanContinuation(span: SourceSpan(file: file, line: lineNo, column: 1)))
                }
                continue
            }
            if let c = current { lines.append(c) }
            current = LogicalLine(bytes: Array(data[i..<stop]), pieces: [(0, lineNo, 1)], file: file)
        }
        if let c = current { lines.append(c) }
        return (lines, orphans)
    }
}

extension UInt8 {
    /// Postfix's list and field separators: space, tab, CR, LF.
    var isPostfixSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0d || self == 0x0a }
}
