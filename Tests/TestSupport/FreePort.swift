import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension TestSupport {
    /// A TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it (bind to port 0),
    /// the socket is closed, the caller binds it. Another process may take it in between, so
    /// daemon starters retry on "address in use".
    public static func freeLoopbackPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DaemonError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw DaemonError("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Polls 127.0.0.1:`port` until a connection succeeds, or throws after `timeout`.
    /// `alive` is asked between attempts so a daemon that died is reported at once.
    public static func waitForLoopbackPort(_ port: UInt16, timeout: Duration = .seconds(15),
                                           alive: () -> Bool = { true }) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if canConnect(port) { return }
            guard alive() else { throw DaemonError("daemon exited before listening on 127.0.0.1:\(port)") }
            usleep(50_000)
        }
        throw DaemonError("nothing listens on 127.0.0.1:\(port) after \(timeout)")
    }

    /// True when something accepts a TCP connection on 127.0.0.1:`port` now.
    public static func canConnect(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// A real daemon could not be started or stopped; the message says what it printed.
public struct DaemonError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
