#if canImport(Glibc)
import Glibc
#endif

/// A file being written: every byte (short writes and EINTR retried), mode, fsync, close that
/// reports its error. Closed on deinit if the caller did not.
public final class WritableFile {
    public private(set) var fd: Int32
    public let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func writeAll(_ bytes: [UInt8]) throws(FileError) {
        try bytes.withUnsafeBufferPointer { (buf) throws(FileError) in try FileLayer.writeAll(fd, buf, path) }
    }

    public func setMode(_ mode: mode_t) throws(FileError) {
        guard fchmod(fd, mode) == 0 else { throw FileError(errno: errno, "chmod", path) }
    }

    public func sync() throws(FileError) {
        guard fsync(fd) == 0 else { throw FileError(errno: errno, "write", path) }
    }

    public func close() throws(FileError) {
        let rc = Glibc.close(fd)
        fd = -1
        guard rc == 0 else { throw FileError(errno: errno, "write", path) }
    }
}

extension FileLayer {
    /// write(2) until every byte is out: short writes continue, EINTR retries, any other errno
    /// is kept (ENOSPC stays ENOSPC).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>, _ path: String) throws(FileError) {
        var off = 0
        while off < bytes.count, let base = bytes.baseAddress {
            let n = Glibc.write(fd, base + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(.io, "write", path, code: errno)
            }
            off += n
        }
    }

    /// read(2) to the end of `fd`, which must be a regular file.
    static func readAll(_ fd: Int32, _ path: String, limit: Int) throws(FileError) -> [UInt8] {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(.io, "read", path, code: errno) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw FileError(.isDirectory, "read", path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw FileError(.notRegularFile, "read", path) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(Int(st.st_size), limit) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(.io, "read", path, code: errno)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { throw FileError(.io, "read", path, code: EFBIG) }
        }
    }

    /// The regular file a user named (symlinks in `path` followed: they chose it).
    public static func read(_ path: String, limit: Int = Int.max) throws(FileError) -> [UInt8] {
        let (fd, _) = try openRegular(path)
        defer { close(fd) }
        return try readAll(fd, path, limit: limit)
    }

    /// Why `path` (a file or a directory the user named) cannot be opened for reading, in the
    /// wording of `openRegular`; nil when it can.
    public static func openFailure(_ path: String) -> FileError? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 { close(fd); return nil }
        let e = errno
        return e == ENOTDIR ? FileError(.notFound, "read", path, code: e) : FileError(errno: e, "read", path)
    }

    /// Opens the regular file a user named for reading, for callers that stream it: the
    /// descriptor (the caller closes it) and the size. A path through a non-directory is
    /// `.notFound` ("no such file"), as the user sees it.
    public static func openRegular(_ path: String) throws(FileError) -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw e == ENOTDIR ? FileError(.notFound, "read", path, code: e) : FileError(errno: e, "read", path)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); throw FileError(.io, "read", path, code: e) }
        if (st.st_mode & S_IFMT) == S_IFDIR { close(fd); throw FileError(.isDirectory, "read", path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { close(fd); throw FileError(.notRegularFile, "read", path) }
        // O_NONBLOCK only kept a FIFO from hanging the open; reads of a regular file ignore it.
        return (fd, Int(st.st_size))
    }
}
