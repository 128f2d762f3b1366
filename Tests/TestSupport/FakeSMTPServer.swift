import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A misbehaving SMTP server on 127.0.0.1 for what no real daemon does on purpose: control bytes
/// and invalid UTF-8 in replies, a greeting dripped a byte at a time, STARTTLS answered with
/// garbage. One connection at a time, on its own thread; `stop()`/deinit ends it.
///
/// `respond` gets each command line (CRLF stripped) and says what to send back.
public final class FakeSMTPServer: @unchecked Sendable {
    public struct Response: Sendable {
        public var bytes: [UInt8]
        public var then: After
        public enum After: Sendable {
            case keepGoing
            case close
            /// Wait for the client's next bytes (whatever they are), answer `bytes`, close.
            case answerNextBytes([UInt8])
        }

        public init(_ text: String, then: After = .keepGoing) { self.init(bytes: Array(text.utf8), then: then) }
        public init(bytes: [UInt8], then: After = .keepGoing) {
            self.bytes = bytes
            self.then = then
        }
    }

    public let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)
    private var running = true

    /// `greeting` is sent first, all at once, or one byte every `dripInterval` when given.
    public init(greeting: [UInt8], dripInterval: Duration? = nil,
                respond: @escaping @Sendable (String) -> Response) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DaemonError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0 && listen(fd, 8) == 0
            }
        }
        guard bound else {
            close(fd)
            throw DaemonError("fake SMTP server: bind/listen failed: \(String(cString: strerror(errno)))")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in
            defer { finished.signal() }
            while !isStopped {
                var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 100) > 0 else { continue }
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                serve(client, greeting: greeting, dripInterval: dripInterval, respond: respond)
                close(client)
            }
        }
        thread.start()
    }

    deinit { stop() }

    public func stop() {
        lock.lock()
        let wasRunning = running
        stopped = true
        running = false
        lock.unlock()
        guard wasRunning else { return }
        finished.wait()
        close(listener)
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func serve(_ client: Int32, greeting: [UInt8], dripInterval: Duration?,
                       respond: (String) -> Response) {
        if let dripInterval {
            for byte in greeting {
                guard !isStopped, write(client, [byte]) else { return }
                let (seconds, attoseconds) = dripInterval.components
                usleep(useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
            }
        } else if !write(client, greeting) {
            return
        }
        var pending: [UInt8] = []
        while !isStopped {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = pending[..<newline]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                pending.removeSubrange(...newline)
                let response = respond(String(decoding: line, as: UTF8.self))
                guard write(client, response.bytes) else { return }
                switch response.then {
                case .keepGoing: continue
                case .close: return
                case let .answerNextBytes(answer):
                    guard read(client) != nil else { return }
                    _ = write(client, answer)
                    return
                }
            }
            guard let chunk = read(client) else { return }
            pending += chunk
        }
    }

    /// The next bytes from the client; nil at EOF, on error, or when stopped.
    private func read(_ client: Int32) -> [UInt8]? {
        while !isStopped {
            var pfd = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(client, &buffer, buffer.count, 0)
            return n > 0 ? Array(buffer[..<n]) : nil
        }
        return nil
    }

    private func write(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
