#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// postmap's source reader at the byte level: readllines() (src/util/readlline.c) joins physical
/// lines into logical ones, then postmap_make() (src/postmap/postmap.c) splits key and value.
/// Borrowed buffers, no String per line: the 1M-line benchmark runs through here.
enum SourceScanner {
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d) }

    /// Where each physical line of a multi-line logical line starts, to turn a byte offset in the
    /// logical line back into line:column.
    private struct Segment {
        var offset: Int      // in the logical line
        var line: Int
        var column: Int      // 1-based column of `offset` in its physical line
    }

    /// Calls `record(key, value, line, column)` for every well-formed record in file order and
    /// `warning` for every line postmap would warn about. Keys are not folded here.
    static func scan(_ text: UnsafeBufferPointer<UInt8>, file: String, smtputf8: Bool,
                     warning: (MapWarning) -> Void,
                     record: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, Int) throws -> Void) rethrows {
        try logicalLines(text, file: file, warning: warning) { line, firstLine, locate in
            try processLogicalLine(line, firstLine: firstLine, file: file, smtputf8: smtputf8,
                                   locate: locate, warning: warning, record: record)
        }
    }

    /// readllines(): calls `body(line, firstLine, locate)` for each logical line; `locate` maps a
    /// byte offset in the line to its physical line and column. Lines that start with
    /// whitespace get readllines()' warning and are skipped.
    static func logicalLines(_ text: UnsafeBufferPointer<UInt8>, file: String, warning: (MapWarning) -> Void,
                             body: (UnsafeBufferPointer<UInt8>, Int, (Int) -> (line: Int, column: Int)) throws -> Void) rethrows {
        guard let base = text.baseAddress, text.count > 0 else { return }
        let n = text.count
        var pos = 0
        var lineno = 0
        var scratch: [UInt8] = []
        var segments: [Segment] = []

        while true {
            // readllines(): one logical line, skipping comment and blank physical lines.
            var single = 0..<0
            var joined = false
            var length = 0
            var firstLine = 0
            scratch.removeAll(keepingCapacity: true)
            segments.removeAll(keepingCapacity: true)
            while true {
                let start = pos
                let end: Int
                let hadNewline: Bool
                if let nl = memchr(base + pos, 0x0A, n - pos) {
                    end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    hadNewline = true
                    pos = end + 1
                } else {
                    end = n
                    hadNewline = false
                    pos = n
                }
                if hadNewline || end > start { lineno += 1 }
                var cp = start
                while cp < end && isSpace(base[cp]) { cp += 1 }
                if cp < end && base[cp] != 0x23 {
                    if length == 0 {
                        firstLine = lineno
                        single = start..<end
                        segments.append(Segment(offset: 0, line: lineno, column: 1))
                    } else {
                        if !joined {
                            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: text[single]))
                            joined = true
                        }
                        segments.append(Segment(offset: scratch.count, line: lineno, column: 1))
                        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<end]))
                    }
                    length += end - start
                }
                if !hadNewline { break }
                if length > 0 {
                    if pos >= n { break }
                    let next = base[pos]
                    if next != 0x23 && !isSpace(next) { break }
                }
            }
            if length == 0 { return }

            try scratch.withUnsafeBufferPointer { scratchBuffer in
                let line = joined ? scratchBuffer : UnsafeBufferPointer(rebasing: text[single])
                func locate(_ offset: Int) -> (line: Int, column: Int) {
                    var seg = segments.first ?? Segment(offset: 0, line: firstLine, column: 1)
                    for s in segments where s.offset <= offset { seg = s }
                    return (seg.line, seg.column + offset - seg.offset)
                }
                if let first = line.first, isSpace(first) {
                    let shown = cString(line).prefix(30)
                    let text = String(decoding: shown, as: UTF8.self) + (line.count > 30 ? "..." : "")
                    warning(MapWarning(kind: .leadingWhitespace, file: file, line: firstLine, column: 1,
                                       message: "logical line must not start with whitespace: \"\(text)\"",
                                       postmapText: "\(file): logical line must not start with whitespace: \"\(text)\""))
                    return
                }
                try body(line, firstLine, locate)
            }
        }
    }

    /// postmap_make()'s per-line work: UTF-8 check, key to the first unquoted whitespace, value
    /// trimmed, the format warnings.
    @inline(__always)
    private static func processLogicalLine(
        _ line: UnsafeBufferPointer<UInt8>, firstLine: Int, file: String, smtputf8: Bool,
        locate: (Int) -> (line: Int, column: Int), warning: (MapWarning) -> Void,
        record: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, Int) throws -> Void
    ) rethrows {
        func warn(_ kind: MapWarning.Kind, at offset: Int, _ message: String) {
            // postmap names the line a logical line starts on; so do we. The column points at
            // the problem when it is on that line, else at the line's start.
            let at = locate(offset)
            warning(MapWarning(kind: kind, file: file, line: firstLine, column: at.line == firstLine ? at.column : 1,
                               message: message, postmapText: "\(file), line \(firstLine): \(message)"))
        }
        // C string semantics: everything after a NUL byte is invisible to postmap.
        let clen = cString(line).count

        // postmap: `!allascii(str) && !valid_utf8_string(str, len)`. allascii stops at the first
        // NUL, the UTF-8 check reads the whole line: a line ASCII up to a NUL is kept (its
        // C-string part), whatever follows the NUL.
        if smtputf8, !UTF8Check.isASCII(UnsafeBufferPointer(rebasing: line[0..<clen])),
           let bad = UTF8Check.firstInvalidOffset(line) {
            let shown = String(decoding: UnsafeBufferPointer(rebasing: line[0..<clen]), as: UTF8.self)
            warn(.nonUTF8, at: bad, "non-UTF-8 input \"\(shown)\" -- ignoring this line")
            return
        }

        var i = 0
        var inQuotes = false
        var lastQuote = 0
        while i < clen {
            let c = line[i]
            if c == 0x5C {                      // backslash: the next byte is taken literally
                i += 1
                if i >= clen { break }
            } else if isSpace(c) {
                if !inQuotes { break }
            } else if c == 0x22 {
                inQuotes.toggle()
                lastQuote = i
            }
            i += 1
        }
        if inQuotes {
            let shown = String(decoding: UnsafeBufferPointer(rebasing: line[0..<clen]), as: UTF8.self)
            warn(.unbalancedQuote, at: lastQuote, "unbalanced '\"' in '\(shown)' -- ignoring this line")
            return
        }
        let keyEnd = i
        var valueStart = i < clen ? i + 1 : clen
        while valueStart < clen && isSpace(line[valueStart]) { valueStart += 1 }
        var valueEnd = clen
        while valueEnd > valueStart && isSpace(line[valueEnd - 1]) { valueEnd -= 1 }

        if keyEnd == 0 || valueEnd == valueStart {
            // Points just past the key: where the value should start.
            warn(.badFormat, at: keyEnd, "expected format: key whitespace value")
            return
        }
        if line[keyEnd - 1] == 0x3A {
            warn(.aliasFormat, at: keyEnd - 1, "record is in \"key: value\" format; is this an alias file?")
        }
        try record(UnsafeBufferPointer(rebasing: line[0..<keyEnd]),
                   UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd]), firstLine)
    }

    /// The bytes before the first NUL.
    @inline(__always)
    static func cString(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = b.baseAddress, b.count > 0 else { return b }
        if let z = memchr(base, 0, b.count) {
            return UnsafeBufferPointer(start: base, count: base.distance(to: z.assumingMemoryBound(to: UInt8.self)))
        }
        return b
    }
}
