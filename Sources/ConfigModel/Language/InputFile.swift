#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file the user named (gateway.conf, a recipients file) could not be opened; one
/// classification and one wording for every reader.
public enum FileOpenError: Error, Equatable, Sendable {
    case missing, permissionDenied, isDirectory, notRegularFile, ioError(Int32)

    /// Ends `cannot read X: ...`.
    public var reason: String {
        switch self {
        case .missing: "no such file"
        case .permissionDenied: "permission denied"
        case .isDirectory: "is a directory"
        case .notRegularFile: "not a regular file"
        case .ioError(let e): "read error (errno \(e))"
        }
    }
}

enum InputFile {
    /// Opens `path` read-only and checks it is a regular file. Returns the descriptor (the
    /// caller closes it) and the size.
    static func openRegular(_ path: String) throws(FileOpenError) -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT, ENOTDIR: throw .missing
            case EACCES, EPERM: throw .permissionDenied
            case EISDIR: throw .isDirectory
            default: throw .ioError(errno)
            }
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); throw .ioError(e) }
        if (st.st_mode & S_IFMT) == S_IFDIR { close(fd); throw .isDirectory }
        guard (st.st_mode & S_IFMT) == S_IFREG else { close(fd); throw .notRegularFile }
        return (fd, Int(st.st_size))
    }
}
