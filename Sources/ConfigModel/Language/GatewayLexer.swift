import MapBuilder
import Diagnostics

/// One meaningful line of gateway.conf: a section header or the text of an entry. Blank lines and
/// comments are gone; the text is trimmed and carries its exact columns.
enum RawLine: Sendable {
    case header(name: Token, line: Token)
    case text(Token)
    /// A header that could not be read (already reported): its entries are skipped.
    case badHeader(Token)
}

/// Splits gateway.conf bytes into lines. Works on bytes, not `String`, so that NUL bytes,
/// invalid UTF-8 and very long lines are found and reported at their exact column instead of
/// being replaced or trapping. A UTF-8 byte order mark is accepted and skipped; CRLF line ends
/// are accepted. Comments are whole lines only (first non-blank `#` or `;`): values hold regexes
/// and reply texts, so a `#` inside a value is data.
enum GatewayLexer {
    /// Longer lines are refused: no directive needs them, and the limit bounds the work per line.
    static let maxLineBytes = 65_536

    static func lex(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> (lines: [RawLine], diagnostics: [Diagnostic]) {
        var lines: [RawLine] = []
        var diags: [Diagnostic] = []
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var lineNumber = 1
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            if let line = lexLine(UnsafeBufferPointer(rebasing: bytes[start..<end]), file: file,
                                  number: lineNumber, diagnostics: &diags) {
                lines.append(line)
            }
            start = next
            lineNumber += 1
        }
        return (lines, diags)
    }

    static func lexLine(_ b: UnsafeBufferPointer<UInt8>, file: String, number: Int,
                        diagnostics: inout [Diagnostic]) -> RawLine? {
        guard b.count <= maxLineBytes else {
            diagnostics.append(SyntaxFinding.lineTooLong.diagnostic(
                "line is \(b.count) bytes long; the limit is \(maxLineBytes)",
                at: SourceSpan(file: file, line: number, column: 1),
                fix: "split the value; lists take one item per line in list sections"))
            return nil
        }
        if let nul = b.firstIndex(of: 0) {
            diagnostics.append(SyntaxFinding.nulByte.diagnostic(
                "NUL byte in line", at: SourceSpan(file: file, line: number, column: column(b, nul)),
                fix: "remove the NUL byte: gateway.conf is text"))
            return nil
        }
        if let bad = firstInvalidUTF8(b) {
            diagnostics.append(SyntaxFinding.invalidEncoding.diagnostic(
                "invalid UTF-8 byte 0x\(String(b[bad], radix: 16, uppercase: true))",
                at: SourceSpan(file: file, line: number, column: column(b, bad)),
                fix: "save the file as UTF-8"))
            return nil
        }
        var lo = 0, hi = b.count
        while lo < hi, b[lo] == 0x20 || b[lo] == 0x09 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 || b[hi - 1] == 0x09 { hi -= 1 }
        guard lo < hi, b[lo] != UInt8(ascii: "#"), b[lo] != UInt8(ascii: ";") else { return nil }
        let text = Token(text: String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self),
                         file: file, line: number, column: column(b, lo))
        guard b[lo] == UInt8(ascii: "[") else { return .text(text) }
        return header(text, diagnostics: &diagnostics)
    }

    /// `[name]`, blanks allowed inside the brackets, nothing after them.
    static func header(_ t: Token, diagnostics: inout [Diagnostic]) -> RawLine? {
        guard let close = t.text.firstIndex(of: "]") else {
            diagnostics.append(SyntaxFinding.badHeader.diagnostic(
                "unterminated section header", at: t.span, fix: "close the header with `]`"))
            return .badHeader(t)
        }
        let after = t.text[t.text.index(after: close)...]
        guard after.allSatisfy({ $0 == " " || $0 == "\t" }) else {
            let rest = t.slice(t.text.index(after: close)..<t.text.endIndex).trimmed()
            diagnostics.append(SyntaxFinding.badHeader.diagnostic(
                "unexpected text after section header", at: rest.span,
                fix: "put comments on their own line, starting with `#`"))
            return .badHeader(t)
        }
        let name = t.slice(t.text.index(after: t.text.startIndex)..<close).trimmed()
        guard !name.text.isEmpty else {
            diagnostics.append(SyntaxFinding.badHeader.diagnostic(
                "empty section name", at: t.span, fix: "name the section, e.g. `[gateway]`"))
            return .badHeader(t)
        }
        return .header(name: name, line: t)
    }

    /// Column (1-based, in scalars) of byte offset `i`: every byte that is not a UTF-8
    /// continuation byte starts a scalar. Invalid bytes each count as one column.
    static func column(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var col = 1
        var k = 0
        while k < i {
            if b[k] & 0xC0 != 0x80 { col += 1 }
            k += 1
        }
        return col
    }

    /// Offset of the first byte that breaks UTF-8 (overlongs, surrogates and > U+10FFFF included);
    /// the same check Postfix applies to tables, shared with MapBuilder.
    static func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        UTF8Check.firstInvalidOffset(b)
    }
}
