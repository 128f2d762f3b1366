#if canImport(Glibc)
import Glibc
#endif

/// An exclusive (or shared) flock on a lock file under a directory, held until `release` or
/// deinit. The lock file stays: removing it would let two holders lock two different files.
public final class DirectoryLock {
    private var fd: Int32

    /// Locks `name` under `dir`, creating it (O_NOFOLLOW) when `exclusive`. When another process
    /// holds it, `waiting()` is called once and the call blocks until the lock is free. A
    /// shared lock on a lock file that does not exist yet returns nil (nobody ever built here).
    public init?(_ dir: Directory, name: String, exclusive: Bool = true,
                 waiting: () -> Void = {}) throws(FileError) {
        let flags = exclusive ? O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC : O_RDONLY | O_NOFOLLOW | O_CLOEXEC
        fd = openat(dir.fd, name, flags, 0o644)
        if fd < 0 {
            if errno == ENOENT && !exclusive { return nil }
            throw FileError(errno: errno, "lock", dir.display(name))
        }
        let op = exclusive ? LOCK_EX : LOCK_SH
        if flock(fd, op | LOCK_NB) == 0 { return }
        guard errno == EWOULDBLOCK else { throw FileError(errno: errno, "lock", dir.display(name)) }
        waiting()
        while flock(fd, op) != 0 {
            guard errno == EINTR else { throw FileError(errno: errno, "lock", dir.display(name)) }
        }
    }

    public func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}
