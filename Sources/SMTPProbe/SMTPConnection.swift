#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain-TCP SMTP client connection: one command at a time (never pipelined), every wait
/// bounded by the per-command timeout and by an optional overall deadline.
///
/// Not thread-safe: one owner drives the dialogue. The socket closes on `close()` or deinit.
public final class SMTPConnection {
    /// `host:port` as connected, for messages.
    public let peer: String
    /// The numeric address actually connected to (`127.0.0.1`, `::1`).
    public private(set) var peerAddress = ""
    /// Longest wait for one reply (or for the connection itself).
    public var commandTimeout: Duration
    /// Nothing waits past this instant, whatever `commandTimeout` says.
    public var deadline: ContinuousClock.Instant?

    private var fd: Int32 = -1
    private var pending: [UInt8] = []

    /// Longest reply line and most lines per reply accepted before the server is called broken.
    static let maxLineLength = 8192
    static let maxReplyLines = 512

    /// Connects to `host` (name or address) on `port`, trying each resolved address in turn.
    /// Does not read the greeting: call `readReply()` for it.
    public init(host: String, port: UInt16, commandTimeout: Duration = .seconds(30),
                deadline: ContinuousClock.Instant? = nil) throws {
        self.commandTimeout = commandTimeout
        self.deadline = deadline
        self.peer = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"

        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw SMTPError.resolve(host: host, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(first) }

        var lastReason = "no address"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            do {
                fd = try Self.connect(info.pointee, timeout: try remainingMilliseconds(waitingFor: "the connection"))
                peerAddress = Self.numericHost(info.pointee) ?? host
                return
            } catch let SMTPError.connect(_, reason) {
                lastReason = reason
            }
        }
        throw SMTPError.connect(address: peer, reason: lastReason)
    }

    deinit { close() }

    /// Closes the socket; further commands fail with `closed`.
    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// Sends one command line (CRLF appended) and reads its complete reply.
    public func command(_ line: String) throws -> SMTPReply {
        try send(line)
        let verb = line.prefix { $0 != " " && $0 != ":" }
        return try readReply(waitingFor: "the reply to \(verb)")
    }

    /// Sends one line without reading a reply. Refuses CR, LF and NUL: user data never becomes
    /// a second command.
    public func send(_ line: String) throws {
        guard !line.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw SMTPError.unsafeCommand(line)
        }
        let bytes = Array((line + "\r\n").utf8)
        var offset = 0
        while offset < bytes.count {
            try wait(for: Int16(POLLOUT), waitingFor: "the socket to accept `\(line)`")
            let n = bytes[offset...].withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw SMTPError.io(String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    /// Reads one complete (possibly multi-line) reply.
    public func readReply(waitingFor what: String = "the greeting") throws -> SMTPReply {
        var code: Int?
        var status: String?
        var lines: [String] = []
        while true {
            let line = try readLine(waitingFor: what)
            let digits = line.prefix(3)
            guard digits.count == 3, let value = Int(digits), (200...599).contains(value),
                  code == nil || code == value else { throw SMTPError.malformedReply(line) }
            let separator = line.dropFirst(3).first
            guard separator == nil || separator == " " || separator == "-" else {
                throw SMTPError.malformedReply(line)
            }
            let (lineStatus, text) = SMTPReply.splitEnhanced(line.dropFirst(4), code: value)
            if code == nil { status = lineStatus }
            code = value
            lines.append(status != nil && lineStatus == status ? text : String(line.dropFirst(4)))
            if separator != "-" { return SMTPReply(code: value, enhancedStatus: status, lines: lines) }
            guard lines.count < Self.maxReplyLines else { throw SMTPError.malformedReply(line) }
        }
    }

    // MARK: - Socket plumbing

    private func readLine(waitingFor what: String) throws -> String {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var bytes = pending[..<newline]
                if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
                pending.removeSubrange(...newline)
                return String(decoding: bytes, as: UTF8.self)
            }
            guard pending.count <= Self.maxLineLength else {
                throw SMTPError.malformedReply(String(decoding: pending.prefix(80), as: UTF8.self) + "...")
            }
            try wait(for: Int16(POLLIN), waitingFor: what)
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw SMTPError.io(String(cString: strerror(errno)))
            }
            if n == 0 { throw SMTPError.closed(waitingFor: what) }
            pending.append(contentsOf: chunk[..<n])
        }
    }

    private func wait(for events: Int16, waitingFor what: String) throws {
        guard fd >= 0 else { throw SMTPError.closed(waitingFor: what) }
        while true {
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&pfd, 1, try remainingMilliseconds(waitingFor: what))
            if rc < 0 {
                if errno == EINTR { continue }
                throw SMTPError.io(String(cString: strerror(errno)))
            }
            if rc == 0 { throw SMTPError.timeout(waitingFor: what) }
            return
        }
    }

    /// The time left for one wait: the command timeout, cut short by the deadline.
    private func remainingMilliseconds(waitingFor what: String) throws -> Int32 {
        var limit = commandTimeout
        if let deadline {
            let left = deadline - ContinuousClock.now
            if left <= .zero { throw SMTPError.timeout(waitingFor: what) }
            limit = min(limit, left)
        }
        let (seconds, attoseconds) = limit.components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(ms, 1))
    }

    private static func numericHost(_ info: addrinfo) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(info.ai_addr, info.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                          NI_NUMERICHOST) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A non-blocking connect bounded by `timeout` milliseconds; returns the connected socket.
    private static func connect(_ info: addrinfo, timeout: Int32) throws -> Int32 {
        let address = "address family \(info.ai_family)"
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else { throw SMTPError.connect(address: address, reason: String(cString: strerror(errno))) }
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            throw SMTPError.connect(address: address, reason: reason)
        }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        var rc: Int32
        repeat { rc = poll(&pfd, 1, timeout) } while rc < 0 && errno == EINTR
        var soError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if rc > 0 { _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length) }
        guard rc > 0, soError == 0 else {
            let reason = rc == 0 ? "connection timed out" : String(cString: strerror(rc > 0 ? soError : errno))
            _ = Glibc.close(fd)
            throw SMTPError.connect(address: address, reason: reason)
        }
        return fd
    }
}
