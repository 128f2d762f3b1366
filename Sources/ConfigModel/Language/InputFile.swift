import FileLayer

/// Why a file the user named (gateway.conf, a recipients file) could not be opened: FileLayer's
/// `FileError`, so every reader of every command has one classification and one wording
/// (`error.reason`: "no such file", "permission denied", "is a directory", ...).
public typealias FileOpenError = FileError

enum InputFile {
    /// Opens `path` read-only and checks it is a regular file. Returns the descriptor (the
    /// caller closes it) and the size.
    static func openRegular(_ path: String) throws(FileOpenError) -> (fd: Int32, size: Int) {
        try FileLayer.openRegular(path)
    }
}
