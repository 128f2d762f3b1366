import CFileLayer
#if canImport(Glibc)
import Glibc
#endif

/// An open directory. Every name given to its methods is one path component resolved relative
/// to it without following a symlink, so what it touches stays below it whatever the tree holds.
public final class Directory: @unchecked Sendable {
    public let fd: Int32
    /// For messages only: how the user (or the caller) would name this directory.
    public let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// A path that names exactly this directory (the kernel's link to the open descriptor), for
    /// libraries that only take paths: no symlink planted since `open` can redirect it.
    public var procPath: String { "/proc/self/fd/\(fd)" }

    func display(_ name: String) -> String { path == "." ? name : path.hasSuffix("/") ? path + name : path + "/" + name }

    /// Opens the directory `path` names, following symlinks in it (the user chose it), once.
    /// With `create`, missing components are made (mode 0755) and each parent fsynced after.
    public static func open(_ path: String, create: Bool = false) throws(FileError) -> Directory {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { return Directory(fd: fd, path: path) }
        let e = errno
        guard e == ENOENT, create else { throw FileError(errno: e, "open directory", path) }
        let absolute = path.hasPrefix("/")
        var parent = try open(absolute ? "/" : ".")
        var shown = absolute ? "/" : ""
        for comp in path.split(separator: "/").map(String.init) {
            shown += (shown.isEmpty || shown.hasSuffix("/") ? "" : "/") + comp
            if comp == "." { continue }
            // `..` and symlinks in the user's own path are theirs to use: follow them here.
            var sub = openat(parent.fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if sub < 0 && errno == ENOENT {
                if mkdirat(parent.fd, comp, 0o755) != 0 && errno != EEXIST { throw FileError(errno: errno, "create", shown) }
                try parent.sync()
                sub = openat(parent.fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            }
            guard sub >= 0 else { throw FileError(errno: errno, "open directory", shown) }
            parent = Directory(fd: sub, path: shown)
        }
        return Directory(fd: dup(parent.fd), path: path)
    }

    /// The directory `relative` names below this one ("etc/postfix"), every component opened
    /// with O_NOFOLLOW: a symlink is `.symlink`, anything else in the way `.notDirectory`.
    /// With `create`, missing components are made and fsynced into their parent; `created`
    /// gets (parent, name) of each, in order, so a caller can undo them.
    public func subdirectory(_ relative: String, create: Bool,
                             created: inout [(Directory, String)]) throws(FileError) -> Directory {
        var current = self
        var shown = path
        for comp in try Self.components(relative, in: self) {
            shown = current.display(comp)
            var sub = openat(current.fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if sub < 0 && errno == ENOENT && create {
                guard mkdirat(current.fd, comp, 0o755) == 0 else { throw FileError(errno: errno, "create", shown) }
                created.append((current, comp))
                try current.sync()
                sub = openat(current.fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            guard sub >= 0 else {
                let e = errno
                // O_NOFOLLOW|O_DIRECTORY on a symlink gives ELOOP or ENOTDIR: say which it is.
                if e == ELOOP || e == ENOTDIR, let st = current.info(comp) {
                    throw FileError((st.st_mode & S_IFMT) == S_IFLNK ? .symlink : .notDirectory, "open directory", shown, code: e)
                }
                throw FileError(errno: e, "open directory", shown)
            }
            current = Directory(fd: sub, path: shown)
        }
        return current
    }

    public func subdirectory(_ relative: String, create: Bool = false) throws(FileError) -> Directory {
        var created: [(Directory, String)] = []
        return try subdirectory(relative, create: create, created: &created)
    }

    /// The components of a relative path; absolute paths, `.` and `..` are refused.
    public static func components(_ relative: String, in dir: Directory) throws(FileError) -> [String] {
        let parts = relative.split(separator: "/").map(String.init)
        guard !relative.hasPrefix("/"), !parts.contains(".."), !parts.contains(".") else {
            throw FileError(.notFound, "resolve", dir.display(relative), code: EINVAL)
        }
        return parts
    }

    /// lstat of `name` (never follows a symlink); nil when it does not exist or cannot be seen.
    public func info(_ name: String) -> stat? {
        var st = stat()
        return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st : nil
    }

    /// The whole regular file `name`; a symlink is `.symlink`, anything else `.notRegularFile`.
    public func read(_ name: String, limit: Int = Int.max) throws(FileError) -> [UInt8] {
        let fd = openat(self.fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ELOOP { throw FileError(.symlink, "read", display(name), code: e) }
            throw FileError(errno: e, "read", display(name))
        }
        defer { close(fd) }
        return try FileLayer.readAll(fd, display(name), limit: limit)
    }

    /// Creates `name` exclusively (O_EXCL | O_NOFOLLOW, mode 0600 until `setMode`).
    public func create(_ name: String) throws(FileError) -> WritableFile {
        let fd = openat(self.fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError(errno: errno, "create", display(name)) }
        return WritableFile(fd: fd, path: display(name))
    }

    /// rename(2) within this directory, or into `target` (both must be on one file system).
    public func rename(_ from: String, to: String, in target: Directory? = nil) throws(FileError) {
        guard renameat(fd, from, (target ?? self).fd, to) == 0 else {
            throw FileError(errno: errno, "rename `\(display(from))` to", (target ?? self).display(to))
        }
    }

    /// A second name for `from` (no symlink followed).
    public func link(_ from: String, to: String) throws(FileError) {
        guard linkat(fd, from, fd, to, 0) == 0 else { throw FileError(errno: errno, "link", display(to)) }
    }

    /// unlinkat; false when `name` did not exist.
    @discardableResult
    public func remove(_ name: String) throws(FileError) -> Bool {
        if unlinkat(fd, name, 0) == 0 { return true }
        if errno == ENOENT { return false }
        throw FileError(errno: errno, "remove", display(name))
    }

    /// rmdir of an (empty) subdirectory; false when it is gone or not empty.
    @discardableResult
    public func removeDirectory(_ name: String) -> Bool { unlinkat(fd, name, AT_REMOVEDIR) == 0 }

    /// fsync of the directory: the names created, renamed or removed in it survive a crash.
    public func sync() throws(FileError) {
        guard fsync(fd) == 0 else { throw FileError(errno: errno, "sync", path) }
    }

    /// The names in the directory (without `.` and `..`).
    public func entries() throws(FileError) -> [String] {
        let copy = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard copy >= 0, let d = fdopendir(copy) else { throw FileError(errno: errno, "list", path) }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The extended attribute `attribute` of the regular file `name`, read without following a
    /// symlink; nil when the file, or the attribute, is not there.
    public func attribute(_ attribute: String, of name: String) -> [UInt8]? {
        let fd = openat(self.fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { fgetxattr(fd, attribute, $0.baseAddress, $0.count) }
        return n >= 0 ? Array(buffer[0..<n]) : nil
    }

    /// Atomic replace of `name`: a temp file beside it (same directory), all bytes written and
    /// fsynced, renamed over `name`, then the directory fsynced. Readers see old or new, whole.
    public func replace(_ name: String, with bytes: [UInt8], mode: mode_t) throws(FileError) {
        if let st = info(name), (st.st_mode & S_IFMT) != S_IFREG {
            throw FileError((st.st_mode & S_IFMT) == S_IFLNK ? .symlink : .notRegularFile, "write", display(name))
        }
        let temp = ".\(name).gatewayctl-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            let file = try create(temp)
            try file.writeAll(bytes)
            try file.setMode(mode)
            try file.sync()
            try file.close()
            try rename(temp, to: name)
        } catch {
            _ = try? remove(temp)
            throw FileError(error.kind, "write", display(name), code: error.code)
        }
        try sync()
    }
}
