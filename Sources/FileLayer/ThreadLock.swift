#if canImport(Glibc)
import Glibc
#endif

/// A mutex for the in-memory caches that threads share (table caches, expansion memos): the
/// part of Foundation's NSLock they used, without linking all of Foundation (and ICU) into a
/// command whose start-up cost counts.
public final class ThreadLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
