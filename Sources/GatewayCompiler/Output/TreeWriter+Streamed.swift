import FileLayer
import MapBuilder
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tree writer's view of a streamed file (`StreamedContents`): compared with what DIR holds
/// and written a chunk at a time, its table's fingerprint taken from the stream's hash, so a
/// relay_recipients of 10,000,000 lines is never in memory, not even twice for `--diff`.
extension TreeWriter {
    /// Below this size a changed streamed file is read back whole, so `--diff` can show it.
    public static let diffableSize = 8 << 20

    /// `state(of:)` for a streamed file: mode and size first, then the bytes a chunk at a time.
    static func state(of name: String, in dir: Directory, display: String, stream: StreamedContents, mode: UInt16,
                      strict: Bool = true) throws(Failure) -> FileState {
        guard let st = dir.info(name) else { return .missing }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            if !strict { return .missing }
            throw Failure(message(FileError((st.st_mode & S_IFMT) == S_IFLNK ? .symlink : .notRegularFile, "write", display)))
        }
        func changed() -> FileState {
            guard Int(st.st_size) <= diffableSize, let old = try? dir.read(name, limit: diffableSize) else { return .changed(old: []) }
            return .changed(old: old)
        }
        guard Int(st.st_size) == stream.size, UInt16(st.st_mode & 0o7777) == mode else { return changed() }
        let fd = openat(dir.fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return .changed(old: []) }
        defer { close(fd) }
        var same = true
        var buffer: [UInt8] = []
        do {
            try stream.write { chunk in
                guard same, let base = chunk.baseAddress else { return }
                if buffer.count < chunk.count { buffer = [UInt8](repeating: 0, count: chunk.count) }
                var got = 0
                while got < chunk.count {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, chunk.count - got) }
                    if n < 0, errno == EINTR { continue }
                    if n <= 0 { same = false; return }
                    got += n
                }
                if buffer.withUnsafeBytes({ memcmp($0.baseAddress!, base, chunk.count) }) != 0 { same = false }
            }
        } catch {
            throw Failure("cannot write `\(display)`: \(error)")
        }
        return same ? .same : changed()
    }

    /// `tableState(of:)` for a streamed source: the expected fingerprint from the stream's hash.
    static func tableState(of name: String, type: MapType, in dir: Directory, display: String, stream: StreamedContents,
                           options: MapOptions = MapOptions(), strict: Bool = true) throws(Failure) -> FileState {
        try tableState(of: name, type: type, in: dir, display: display, strict: strict) {
            MapBuild.fingerprint(xxh64: stream.xxh64, size: stream.size, type: type, options: options)
        }
    }

    /// The file's state whichever way it holds its contents.
    static func state(of f: EmittedFile, name: String, in dir: Directory, display: String,
                      strict: Bool = true) throws(Failure) -> FileState {
        if let stream = f.stream { return try state(of: name, in: dir, display: display, stream: stream, mode: f.mode, strict: strict) }
        return try state(of: name, in: dir, display: display, bytes: Array(f.contents.utf8), mode: f.mode, strict: strict)
    }

    /// Its table's state whichever way the source holds its contents.
    static func tableState(of f: EmittedFile, type: MapType, name: String, in dir: Directory, display: String,
                           options: MapOptions, strict: Bool = true) throws(Failure) -> FileState {
        if let stream = f.stream {
            return try tableState(of: name, type: type, in: dir, display: display, stream: stream, options: options, strict: strict)
        }
        return try tableState(of: name, type: type, in: dir, display: display, source: Array(f.contents.utf8),
                              options: options, strict: strict)
    }

    /// Writes the file's contents to `file` (a chunk at a time when streamed).
    static func write(_ f: EmittedFile, to file: WritableFile, display: String) throws(Failure) {
        guard let stream = f.stream else {
            do { try file.writeAll(Array(f.contents.utf8)) } catch { throw Failure(message(FileError(error.kind, "write", display, code: error.code))) }
            return
        }
        do {
            try stream.write { chunk in try FileLayer.writeAll(file.fd, chunk, file.path) }
        } catch let error as FileError {
            throw Failure(message(FileError(error.kind, "write", display, code: error.code)))
        } catch {
            throw Failure("cannot write `\(display)`: \(error)")
        }
    }
}
