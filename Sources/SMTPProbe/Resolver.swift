#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// One address `getaddrinfo` returned, copied out of its list so it outlives it (reconnects
/// reuse it without resolving again).
public struct SocketAddress: Sendable {
    var family: Int32
    var socketType: Int32
    var socketProtocol: Int32
    var storage: [UInt8]

    /// The numeric form (`127.0.0.1`, `::1`).
    public var numericHost: String? {
        storage.withUnsafeBytes { raw -> String? in
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr.self)
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, socklen_t(raw.count), &buffer, socklen_t(buffer.count), nil, 0,
                              NI_NUMERICHOST) == 0 else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// Name resolution with a deadline. getaddrinfo blocks for as long as the resolver likes
/// (resolv.conf `timeout` × `attempts` × servers × families: 30 s and more with a silent
/// server), so it runs on a worker thread and the caller stops waiting at the deadline. A worker
/// left behind finishes on its own (the resolver's own timeouts end it) and its result is
/// dropped; it holds nothing of the caller's.
public enum Resolver {
    public static func resolve(host: String, port: UInt16, timeout: Duration) throws -> [SocketAddress] {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            outcome.set(lookup(host: host, port: port))
            done.signal()
        }
        let (seconds, attoseconds) = max(timeout, .zero).components
        let nanoseconds = Int(clamping: seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        guard done.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success,
              let result = outcome.get() else {
            throw SMTPError.timeout(waitingFor: "the name resolution of `\(host)`")
        }
        return try result.get()
    }

    private static func lookup(host: String, port: UInt16) -> Result<[SocketAddress], SMTPError> {
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
            return .failure(.resolve(host: host, reason: String(cString: gai_strerror(rc))))
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor?.pointee {
            cursor = info.ai_next
            guard let address = info.ai_addr else { continue }
            let bytes = UnsafeRawBufferPointer(start: address, count: Int(info.ai_addrlen))
            addresses.append(SocketAddress(family: info.ai_family, socketType: info.ai_socktype,
                                           socketProtocol: info.ai_protocol, storage: Array(bytes)))
        }
        return addresses.isEmpty ? .failure(.resolve(host: host, reason: "no address")) : .success(addresses)
    }

    /// The worker's result; the semaphore orders the write before the read, the lock covers a
    /// worker finishing while the caller gives up.
    private final class Outcome: @unchecked Sendable {
        private var value: Result<[SocketAddress], SMTPError>?
        private var lock = pthread_mutex_t()
        init() { pthread_mutex_init(&lock, nil) }
        deinit { pthread_mutex_destroy(&lock) }
        func set(_ result: Result<[SocketAddress], SMTPError>) {
            pthread_mutex_lock(&lock); value = result; pthread_mutex_unlock(&lock)
        }
        func get() -> Result<[SocketAddress], SMTPError>? {
            pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
            return value
        }
    }
}
