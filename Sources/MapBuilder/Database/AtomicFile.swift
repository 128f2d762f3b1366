import CBerkeleyDB
import FileLayer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Build-aside-then-rename: the new table is written to a temporary name in the target's
/// directory, fsynced, then renamed over the target, so a reader sees the old or the new table,
/// never a mix (postmap rewrites in place under a lock). The directory is opened once
/// (`FileLayer.Directory`) and every later step is relative to it and never follows a symlink.
struct AtomicFile {
    let target: String
    let temp: String
    /// The target's directory, held open from init to commit.
    private let directory: Directory
    private let targetName: String
    private let tempName: String

    /// Picks a temp name beside `target` (`.NAME.gatewayctl-PID-RANDOM`) after refusing a
    /// symbolic link as target; the caller creates the file.
    init(target: String) throws {
        let (dir, base) = AtomicFile.split(target)
        do {
            directory = try Directory.open(dir)
        } catch {
            throw MapError(.io, "open \(target): \(FileLayer.errnoText(error.code == 0 ? EIO : error.code).capitalizedFirst)")
        }
        if let st = directory.info(base), (st.st_mode & S_IFMT) == S_IFLNK {
            throw MapError(.symlinkTarget, "\(target): refusing to replace a symbolic link")
        }
        if let st = directory.info(base), (st.st_mode & S_IFMT) != S_IFREG {
            throw MapError(.io, "\(target): not a regular file")
        }
        self.target = target
        self.targetName = base
        self.tempName = ".\(base).gatewayctl-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // libdb opens the temp by path; commit finds it through the descriptor again.
        self.temp = "\(dir == "/" ? "" : dir)/\(tempName)"
        AtomicFile.removeStale(in: directory, base: base)
    }

    /// Removes temp files that builds killed before their rename left behind: ours
    /// (`.NAME.gatewayctl-PID-N`) and libdb's create-time name for them (`__db..NAME...`),
    /// only when process PID no longer exists.
    static func removeStale(dir: String, base: String) {
        guard let d = try? Directory.open(dir) else { return }
        removeStale(in: d, base: base)
    }

    private static func removeStale(in d: Directory, base: String) {
        let prefixes = [".\(base).gatewayctl-", "__db..\(base).gatewayctl-"]
        for name in (try? d.entries()) ?? [] {
            guard let prefix = prefixes.first(where: { name.hasPrefix($0) }) else { continue }
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                _ = try? d.remove(name)
            }
        }
    }

    static func split(_ path: String) -> (dir: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }

    /// fsyncs the temp file, sets mode and owner, renames it over the target and fsyncs the
    /// directory so the rename itself survives a crash.
    func commit(mode: mode_t, owner: (uid: uid_t, gid: gid_t)?, xattrs: [(String, [UInt8])] = []) throws {
        let fd = openat(directory.fd, tempName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw AtomicFile.ioError("open", temp) }
        defer { close(fd) }
        if fchmod(fd, mode) != 0 { throw AtomicFile.ioError("chmod", temp) }
        if let owner, geteuid() == 0, fchown(fd, owner.uid, owner.gid) != 0 { throw AtomicFile.ioError("chown", temp) }
        for (name, value) in xattrs {
            // Best effort: a file system without user xattrs only loses the incremental skip.
            _ = value.withUnsafeBytes { fsetxattr(fd, name, $0.baseAddress, $0.count, 0) }
        }
        if fsync(fd) != 0 { throw AtomicFile.ioError("fsync", temp) }
        // Re-check right before the rename: a symlink planted meanwhile is refused, not followed
        // (rename replaces the link itself, never its target, but the user asked for a file).
        if let st = directory.info(targetName), (st.st_mode & S_IFMT) == S_IFLNK {
            throw MapError(.symlinkTarget, "\(target): refusing to replace a symbolic link")
        }
        do {
            try directory.rename(tempName, to: targetName)
        } catch {
            errno = error.code
            throw AtomicFile.ioError("rename", "\(temp) to \(target)")
        }
        do { try directory.sync() } catch { errno = error.code; throw AtomicFile.ioError("fsync", AtomicFile.split(target).dir) }
    }

    /// A scratch file in the target's directory for data too big for memory (a sort's runs):
    /// opened O_TMPFILE, so it never has a name and vanishes with the process whatever happens;
    /// where the file system lacks O_TMPFILE, created under the temp's name plus `-sort` (the
    /// pattern leftovers are swept by) and unlinked at once. Stays inside the target's directory.
    /// `anonymous: false` takes the fallback (tests).
    func openScratch(anonymous: Bool = true) throws -> (Int32, String) {
        #if os(Linux)
        // O_TMPFILE is a compound macro Swift does not import: __O_TMPFILE | O_DIRECTORY.
        let fd = anonymous ? openat(directory.fd, ".", 0o20_000_000 | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600) : -1
        if fd >= 0 { return (fd, temp + "-sort") }
        #endif
        let name = tempName + "-sort"
        let named = openat(directory.fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard named >= 0 else { throw AtomicFile.ioError("create", temp + "-sort") }
        _ = try? directory.remove(name)
        return (named, temp + "-sort")
    }

    func discard() {
        _ = try? directory.remove(tempName)
    }

    /// `op path: Strerror text` of the current errno (ENOSPC stays "No space left on device").
    static func ioError(_ op: String, _ path: String) -> MapError {
        MapError(.io, "\(op) \(path): \(String(cString: strerror(errno)))")
    }
}

private extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
