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
    /// Set once STARTTLS succeeded: every byte goes through it from then on.
    private var tls: TLSChannel?
    /// End of the current step (one command and its reply): a server that drips its reply a
    /// byte at a time gets `commandTimeout` for all of it, not per byte.
    private var stepDeadline: ContinuousClock.Instant?

    /// Longest reply line and most lines per reply accepted before the server is called broken.
    static let maxLineLength = 8192
    static let maxReplyLines = 512

    /// Connects to `host` (name or address) on `port`, trying each resolved address in turn.
    /// Resolution and each connect are waits like any other: bounded by `commandTimeout` and the
    /// deadline. Does not read the greeting: call `readReply()` for it.
    public convenience init(host: String, port: UInt16, commandTimeout: Duration = .seconds(30),
                            deadline: ContinuousClock.Instant? = nil) throws {
        let limit = try Self.limit(commandTimeout, deadline: deadline, waitingFor: "the name resolution of `\(host)`")
        let addresses = try Resolver.resolve(host: host, port: port, timeout: limit)
        try self.init(host: host, port: port, addresses: addresses, commandTimeout: commandTimeout, deadline: deadline)
    }

    /// Connects to the first of `addresses` (resolved earlier for `host`) that answers.
    public init(host: String, port: UInt16, addresses: [SocketAddress], commandTimeout: Duration = .seconds(30),
                deadline: ContinuousClock.Instant? = nil) throws {
        self.commandTimeout = commandTimeout
        self.deadline = deadline
        self.peer = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var lastReason = "no address"
        for address in addresses {
            do {
                fd = try Self.connect(address, timeout: try remainingMilliseconds(waitingFor: "the connection"))
                peerAddress = address.numericHost ?? host
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
        tls?.shutdown()
        tls = nil
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// True once `startTLS` succeeded on this connection.
    public var isEncrypted: Bool { tls != nil }

    /// Sends one command line (CRLF appended) and reads its complete reply, both within one
    /// `commandTimeout`.
    public func command(_ line: String) throws -> SMTPReply {
        stepDeadline = ContinuousClock.now + commandTimeout
        defer { stepDeadline = nil }
        try send(line)
        let verb = line.prefix { $0 != " " && $0 != ":" }
        return try readReply(waitingFor: "the reply to \(verb)")
    }

    /// The TLS handshake after a 220 reply to STARTTLS (RFC 3207), within one `commandTimeout`.
    /// `host` is the name the user asked for (SNI and the host match of the report). Anything
    /// the server sent after its 220 and before the handshake is discarded unread: it was sent in
    /// clear text and must not be taken as the answer to a command given inside TLS.
    public func startTLS(host: String) throws -> TLSInfo {
        stepDeadline = ContinuousClock.now + commandTimeout
        defer { stepDeadline = nil }
        guard fd >= 0 else { throw SMTPError.closed(waitingFor: "the TLS handshake") }
        pending.removeAll()
        let channel = try TLSChannel(fd: fd, serverName: host)
        while true {
            switch channel.handshake() {
            case .done: tls = channel; return channel.info(host: host)
            case .wantRead: try wait(for: Int16(POLLIN), waitingFor: "the TLS handshake")
            case .wantWrite: try wait(for: Int16(POLLOUT), waitingFor: "the TLS handshake")
            case .closed: throw SMTPError.closed(waitingFor: "the TLS handshake")
            case let .failed(reason): throw SMTPError.tls(reason)
            }
        }
    }

    /// Sends one line without reading a reply. Refuses CR, LF and NUL: user data never becomes
    /// a second command.
    public func send(_ line: String) throws {
        guard !line.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw SMTPError.unsafeCommand(line)
        }
        let bytes = Array((line + "\r\n").utf8)
        let what = "the socket to accept `\(line)`"
        var offset = 0
        while offset < bytes.count {
            if let tls {
                switch bytes[offset...].withUnsafeBytes({ tls.write($0) }) {
                case let .done(n): offset += n
                case .wantRead: try wait(for: Int16(POLLIN), waitingFor: what)
                case .wantWrite: try wait(for: Int16(POLLOUT), waitingFor: what)
                case .closed: throw SMTPError.closed(waitingFor: what)
                case let .failed(reason): throw SMTPError.tls(reason)
                }
                continue
            }
            try wait(for: Int16(POLLOUT), waitingFor: what)
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

    /// Reads one complete (possibly multi-line) reply, all of it within `commandTimeout` (or
    /// the rest of the current command's) and the deadline.
    public func readReply(waitingFor what: String = "the greeting") throws -> SMTPReply {
        let ownStep = stepDeadline == nil
        if ownStep { stepDeadline = ContinuousClock.now + commandTimeout }
        defer { if ownStep { stepDeadline = nil } }
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
                return Self.decode(bytes)
            }
            guard pending.count <= Self.maxLineLength else {
                throw SMTPError.malformedReply(Self.decode(pending.prefix(80)) + "...")
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            if let tls {
                switch chunk.withUnsafeMutableBytes({ tls.read(into: $0) }) {
                case let .done(n): pending.append(contentsOf: chunk[..<n])
                case .wantRead: try wait(for: Int16(POLLIN), waitingFor: what)
                case .wantWrite: try wait(for: Int16(POLLOUT), waitingFor: what)
                case .closed: throw SMTPError.closed(waitingFor: what)
                case let .failed(reason): throw SMTPError.tls(reason)
                }
                continue
            }
            try wait(for: Int16(POLLIN), waitingFor: what)
            let n = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw SMTPError.io(String(cString: strerror(errno)))
            }
            if n == 0 { throw SMTPError.closed(waitingFor: what) }
            pending.append(contentsOf: chunk[..<n])
        }
    }

    /// A reply line as text: UTF-8 as sent, each byte that is not valid UTF-8 as `\xNN` (so
    /// nothing is lost to U+FFFD). Control characters stay: the printer escapes them.
    static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let bytes = Array(bytes)
        var out = ""
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(encoded):
                out.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case let .error(length):
                for byte in bytes[offset..<offset + length] {
                    out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
                }
                offset += length
            case .emptyInput:
                return out
            }
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

    /// The time left for one wait: the rest of the current step (or a whole command timeout
    /// outside one), cut short by the deadline.
    private func remainingMilliseconds(waitingFor what: String) throws -> Int32 {
        var limit = try Self.limit(commandTimeout, deadline: deadline, waitingFor: what)
        if let stepDeadline {
            let left = stepDeadline - ContinuousClock.now
            if left <= .zero { throw SMTPError.timeout(waitingFor: what) }
            limit = min(limit, left)
        }
        return Self.milliseconds(limit)
    }

    /// `timeout`, or less when the deadline comes first; throws when it has passed.
    private static func limit(_ timeout: Duration, deadline: ContinuousClock.Instant?, waitingFor what: String) throws -> Duration {
        guard let deadline else { return timeout }
        let left = deadline - ContinuousClock.now
        if left <= .zero { throw SMTPError.timeout(waitingFor: what) }
        return min(timeout, left)
    }

    private static func milliseconds(_ limit: Duration) -> Int32 {
        let (seconds, attoseconds) = limit.components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(ms, 1))
    }

    /// A non-blocking connect bounded by `timeout` milliseconds; returns the connected socket.
    private static func connect(_ info: SocketAddress, timeout: Int32) throws -> Int32 {
        let address = info.numericHost ?? "address family \(info.family)"
        let fd = socket(info.family, info.socketType, info.socketProtocol)
        guard fd >= 0 else { throw SMTPError.connect(address: address, reason: String(cString: strerror(errno))) }
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let started = info.storage.withUnsafeBytes {
            Glibc.connect(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
        }
        if started != 0 && errno != EINPROGRESS {
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
