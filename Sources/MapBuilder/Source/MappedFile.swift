import FileLayer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A source file mapped read-only into memory (read in one piece when it cannot be mapped), so
/// the scanner walks the bytes without a copy or a String per line.
final class MappedFile {
    let path: String
    let info: stat
    private var mapping: UnsafeMutableRawPointer?
    private var heap: [UInt8] = []
    private let length: Int

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        // FileLayer's wording ("cannot read `X`: no such file"), as for every file a user names.
        guard fd >= 0 else { throw MapError(.io, FileError(errno: errno, "read", path).description) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw MapError(.io, FileError(.io, "read", path, code: errno).description) }
        info = st
        if (st.st_mode & S_IFMT) == S_IFREG && st.st_size > 0 {
            let size = Int(st.st_size)
            if let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED {
                mapping = p
                length = size
                _ = madvise(p, size, MADV_SEQUENTIAL)
                return
            }
        }
        // Pipes, empty files, file systems without mmap: read it all.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw MapError(.io, FileError(.io, "read", path, code: errno).description) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        heap = bytes
        length = bytes.count
    }

    deinit {
        if let mapping { munmap(mapping, length) }
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let mapping {
            return try body(UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: length))
        }
        return try heap.withUnsafeBufferPointer(body)
    }
}
