#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Disk full, said as such. The libraries lose the errno on the way: libdb reports a page it
/// cannot write out as ENOMEM ("Cannot allocate memory") or EIO, lmdb a short write as EIO.
/// When a write fails and the file system holding the temp file is (nearly) out of space, the
/// error is ENOSPC. Checked before the temp file is removed, while the space is still taken.
enum DiskSpace {
    /// Below this the write that failed most likely needed more (a libdb page is up to 64 KiB).
    static let nearlyFull: UInt64 = 1 << 20

    static func explain(_ error: Error, near path: String) -> Error {
        guard let e = error as? MapError, e.kind == .io || e.kind == .database,
              !e.message.hasSuffix(String(cString: strerror(ENOSPC))), isFull(near: path) else { return error }
        let operation = e.message.ranges(of: ": ").last.map { String(e.message[..<$0.lowerBound]) } ?? e.message
        return MapError(.io, "\(operation): \(String(cString: strerror(ENOSPC)))")
    }

    static func isFull(near path: String) -> Bool {
        var fs = statvfs()
        guard statvfs(AtomicFile.split(path).dir, &fs) == 0 else { return false }
        let free = UInt64(geteuid() == 0 ? fs.f_bfree : fs.f_bavail) * UInt64(fs.f_frsize)
        return free < nearlyFull
    }
}
