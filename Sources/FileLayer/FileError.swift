#if canImport(Glibc)
import Glibc
#endif

/// Why a file operation failed: a kind a caller can branch on, the operation and path for the
/// message, and the errno it came from (kept, so ENOSPC reads "no space left on device").
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case notFound, permission, isDirectory, notRegularFile, notDirectory, symlink, exists
        /// Any other errno (I/O error, disk full, ...): see `code`.
        case io
    }

    public var kind: Kind
    /// The verb of the message: read, write, create, rename, ...
    public var operation: String
    public var path: String
    /// The errno behind the failure (0 when it came from a check, e.g. not a regular file).
    public var code: Int32

    public init(_ kind: Kind, _ operation: String, _ path: String, code: Int32 = 0) {
        self.kind = kind
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// Classifies an errno from open/openat/rename/... of `path`.
    public init(errno code: Int32, _ operation: String, _ path: String) {
        let kind: Kind = switch code {
        case ENOENT: .notFound
        case EACCES, EPERM: .permission
        case EISDIR: .isDirectory
        case ENOTDIR: .notDirectory
        case ELOOP: .symlink
        case EEXIST: .exists
        default: .io
        }
        self.init(kind, operation, path, code: code)
    }

    /// The one wording of each kind; ends `cannot read `X`: ...`.
    public var reason: String {
        switch kind {
        case .notFound: "no such file"
        case .permission: "permission denied"
        case .isDirectory: "is a directory"
        case .notRegularFile: "not a regular file"
        case .notDirectory: "not a directory"
        case .symlink: "is a symbolic link"
        case .exists: "already exists"
        case .io: FileLayer.errnoText(code)
        }
    }

    public var description: String { "cannot \(operation) `\(path)`: \(reason)" }
}

extension FileLayer {
    /// Errno as text, lower case, for the end of a sentence (`ENOSPC` -> "no space left on device").
    public static func errnoText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "error \(code)" }
        return String(cString: s).lowercased()
    }
}
