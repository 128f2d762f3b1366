#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import FileLayer

/// A recipients file (`[recipients] file = PATH`): one address per line, blank lines and `#`
/// comment lines ignored, an optional second field `OK` accepted so an existing postmap source
/// (`usuario1@example.com OK`) can be reused as is. It may hold millions of lines, so it is read
/// in fixed-size chunks and never held in memory; the emitter streams it the same way.
public enum RecipientFile {
    public typealias OpenError = FileOpenError

    /// One address line: where it is and its text as written, or why it is not an address.
    public struct Item: Sendable {
        public var line: Int
        public var column: Int
        public var address: String
        public var problem: String?

        public init(line: Int, column: Int, address: String, problem: String? = nil) {
            self.line = line
            self.column = column
            self.address = address
            self.problem = problem
        }
    }

    /// Calls `body` for every non-comment line in file order.
    public static func forEachAddress(path: String, _ body: (Item) -> Void) throws(OpenError) {
        try scan(path: path) { line, column, bytes, problem in
            body(Item(line: line, column: column, address: String(decoding: bytes, as: UTF8.self), problem: problem))
        }
    }

    /// Longest line considered; longer ones are reported and skipped.
    static let maxLine = 4096
    static let chunk = 1 << 20

    /// The streaming core. `bytes` is only valid during the call.
    public static func scan(path: String,
                     _ body: (_ line: Int, _ column: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ problem: String?) -> Void)
        throws(OpenError) {
        let (fd, _) = try InputFile.openRegular(path)
        defer { close(fd) }

        var checker = AddressChecker()
        var lineNo = 1
        var pending: [UInt8] = []
        var pendingTooLong = false
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        func handle(_ line: UnsafeBufferPointer<UInt8>) {
            checker.line(line, number: lineNo, body)
            lineNo += 1
        }
        while true {
            let n = read(fd, buffer.baseAddress, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileOpenError(errno: errno, "read", path)
            }
            if n == 0 { break }
            let data = UnsafeBufferPointer(rebasing: buffer[0..<n])
            var start = 0
            while start < n {
                guard let base = data.baseAddress,
                      let hit = memchr(base + start, 0x0A, n - start) else { break }
                let nl = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if pending.isEmpty, !pendingTooLong {
                    handle(UnsafeBufferPointer(rebasing: data[start..<nl]))
                } else {
                    if pendingTooLong || pending.count + (nl - start) > maxLine {
                        checker.tooLong(number: lineNo, body)
                        lineNo += 1
                    } else {
                        pending.append(contentsOf: data[start..<nl])
                        pending.withUnsafeBufferPointer { handle($0) }
                    }
                    pending.removeAll(keepingCapacity: true)
                    pendingTooLong = false
                }
                start = nl + 1
            }
            if start < n {
                if pending.count + (n - start) > maxLine { pendingTooLong = true; pending.removeAll() }
                else if !pendingTooLong { pending.append(contentsOf: data[start..<n]) }
            }
        }
        if pendingTooLong { checker.tooLong(number: lineNo, body) }
        else if !pending.isEmpty { pending.withUnsafeBufferPointer { handle($0) } }
    }

    /// Validates a recipients file for `check`: errors at the file's own line and column, the
    /// first few only (a broken export would otherwise flood the report), then one summary.
    /// Open failures land on `reference`, the `file =` value.
    static func validate(path: String, reference: Token, diagnostics: inout [Diagnostic], limit: Int = 10) {
        var invalid = 0
        var valid = 0
        var found: [Diagnostic] = []
        do {
            try scan(path: path) { line, column, _, problem in
                guard let problem else { valid += 1; return }
                invalid += 1
                if invalid <= limit {
                    found.append(SyntaxFinding.invalidValue.diagnostic(
                        problem, at: SourceSpan(file: path, line: line, column: column),
                        fix: "one address per line, optionally followed by `OK`"))
                }
            }
        } catch {
            diagnostics.append(SyntaxFinding.unreadableFile.diagnostic(
                "cannot read recipients file `\(path)`: \(error.reason)", at: reference.span,
                fix: "a relative path is resolved against the directory of the config file"))
            return
        }
        diagnostics += found
        if invalid > limit {
            diagnostics.append(SyntaxFinding.invalidValue.diagnostic(
                "\(invalid - limit) more invalid lines in recipients file `\(path)`", at: reference.span))
        }
        if valid == 0, invalid == 0 {
            diagnostics.append(SyntaxFinding.invalidValue.diagnostic(
                "recipients file `\(path)` holds no address", at: reference.span,
                fix: "an empty relay recipient table rejects every recipient"))
        }
    }
}

/// Byte-level address check, equivalent to `EmailAddress(_:)` but without building strings;
/// the last valid domain is remembered because consecutive lines mostly share it.
struct AddressChecker {
    private var lastDomain: [UInt8] = []

    mutating func tooLong(number: Int, _ body: (Int, Int, UnsafeBufferPointer<UInt8>, String?) -> Void) {
        body(number, 1, UnsafeBufferPointer(start: nil, count: 0), "line longer than \(RecipientFile.maxLine) bytes")
    }

    mutating func line(_ raw: UnsafeBufferPointer<UInt8>, number: Int,
                       _ body: (Int, Int, UnsafeBufferPointer<UInt8>, String?) -> Void) {
        var lo = 0, hi = raw.count
        if hi > lo, raw[hi - 1] == 0x0D { hi -= 1 }
        while lo < hi, raw[lo] == 0x20 || raw[lo] == 0x09 { lo += 1 }
        while hi > lo, raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09 { hi -= 1 }
        guard lo < hi, raw[lo] != UInt8(ascii: "#") else { return }
        var end = lo
        while end < hi, raw[end] != 0x20, raw[end] != 0x09 { end += 1 }
        let addr = UnsafeBufferPointer(rebasing: raw[lo..<end])
        let column = GatewayLexer.column(raw, lo)
        if end < hi {
            var v = end
            while v < hi, raw[v] == 0x20 || raw[v] == 0x09 { v += 1 }
            let rest = raw[v..<hi]
            guard rest.count == 2, rest.first.map({ $0 | 0x20 }) == UInt8(ascii: "o"),
                  rest.last.map({ $0 | 0x20 }) == UInt8(ascii: "k") else {
                body(number, GatewayLexer.column(raw, v), addr, "unexpected text after the address (only `OK` may follow)")
                return
            }
        }
        body(number, column, addr, problem(addr))
    }

    mutating func problem(_ a: UnsafeBufferPointer<UInt8>) -> String? {
        var at = -1
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] == UInt8(ascii: "@") { at = i; break }
        guard at >= 0 else { return "`\(String(decoding: a, as: UTF8.self))` is not an address (no `@`)" }
        guard at > 0 else { return "address has an empty local part" }
        guard at <= 64 else { return "local part longer than 64 bytes" }
        for i in 0..<at {
            let c = a[i]
            if c <= 0x20 || c == 0x7F || c == UInt8(ascii: "\"") || c == UInt8(ascii: ",")
                || c == UInt8(ascii: "$") || c == UInt8(ascii: "@") {
                return "address has a forbidden character in its local part"
            }
        }
        if GatewayLexer.firstInvalidUTF8(UnsafeBufferPointer(rebasing: a[0..<at])) != nil {
            return "address is not valid UTF-8"
        }
        let domain = UnsafeBufferPointer(rebasing: a[(at + 1)...])
        if domain.elementsEqual(lastDomain) { return nil }
        guard Self.validDomain(domain) else {
            return "address has an invalid domain `\(String(decoding: domain, as: UTF8.self))`"
        }
        lastDomain = Array(domain)
        return nil
    }

    static func validDomain(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        var n = d.count
        if n > 0, d[n - 1] == UInt8(ascii: ".") { n -= 1 }
        guard n > 0, n <= 253 else { return false }
        var labelStart = 0
        for i in 0...n {
            if i == n || d[i] == UInt8(ascii: ".") {
                let len = i - labelStart
                guard len >= 1, len <= 63, d[labelStart] != UInt8(ascii: "-"), d[i - 1] != UInt8(ascii: "-") else { return false }
                labelStart = i + 1
                continue
            }
            let c = d[i] | 0x20
            guard (c >= 0x61 && c <= 0x7A) || (d[i] >= 0x30 && d[i] <= 0x39) || d[i] == 0x2D || d[i] == 0x5F else { return false }
        }
        return true
    }
}
