import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension TestSupport {
    /// A TCP connection to 127.0.0.1:`port` from the loopback address `source` (e.g.
    /// 127.0.0.66): how tests pose as different clients to a daemon that has no XCLIENT, such as
    /// postscreen. Receives time out after 60 s. The caller closes the descriptor.
    public static func connectLoopback(from source: String, port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DaemonError("socket: \(errno)") }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func address(_ ip: String, _ port: UInt16) -> sockaddr_in {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = port.bigEndian
            inet_pton(AF_INET, ip, &a.sin_addr)
            return a
        }
        var local = address(source, 0), remote = address("127.0.0.1", port)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let connected = bound == 0 ? withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } : -1
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw DaemonError("connect from \(source): errno \(code)")
        }
        return fd
    }
}
