#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MapBuilder

/// Writes an `EmittedTree` under a directory, all or nothing: every changed file (and every
/// lookup table's `.db`) is first written beside its target as a temporary file and fsynced;
/// only when all of them exist are they renamed into place. Any error before that removes the
/// temporaries and the directories this run created, so the previous output stays untouched.
/// Never writes through a symlink: a symlink anywhere inside the tree is an error. Unchanged
/// files are not rewritten (their mtimes, and Postfix's view of them, stay as they were).
/// `.gatewayctl-tree` at the root lists what the last build wrote, so a file the gateway no
/// longer needs (e.g. `access_clients` after `[clients]` was removed) is deleted, not left behind.
public enum TreeWriter {
    /// Builds `sourcePath + ".db"` from the source at `sourcePath` (MapBuilder's job) and
    /// returns its warnings as (line, message).
    public typealias DatabaseBuilder = @Sendable (_ sourcePath: String) throws -> [(line: Int, message: String)]

    public struct Report: Equatable, Sendable {
        /// Relative paths written (sources and `.db` files), sorted.
        public var written: [String] = []
        public var unchanged: [String] = []
        /// Files of an earlier build that the tree no longer has, deleted.
        public var removed: [String] = []
        /// Table warnings (e.g. duplicate keys), as `path:line: message` of the final path.
        public var warnings: [String] = []
    }

    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// How a file of the tree compares with what `root` holds.
    public enum Status: Equatable, Sendable {
        case same
        case missing
        case changed(old: String)
        /// Written by an earlier build, no longer part of the tree: the next build deletes it.
        case obsolete
    }

    /// The manifest of the last build, relative to the root.
    public static let manifestName = ".gatewayctl-tree"

    /// Relative paths the tree consists of on disk (sources, and `.db` files when built).
    static func paths(of tree: EmittedTree, databases: Bool) -> [String] {
        tree.files.flatMap { f in databases && f.map?.kind.needsDatabase == true ? [f.path, f.path + ".db"] : [f.path] }.sorted()
    }

    /// Files the previous build's manifest lists that `current` no longer has and that still exist.
    static func obsolete(in root: String, current: [String]) -> [String] {
        guard let manifest = readIfRegular(root + "/" + manifestName) else { return [] }
        let keep = Set(current)
        return manifest.split(separator: "\n").map(String.init).filter { p in
            guard !keep.contains(p), !p.hasPrefix("/"), !p.split(separator: "/").contains("..") else { return false }
            var st = stat()
            return lstat(root + "/" + p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        }.sorted()
    }

    /// Per file of the tree, relative path and status. With `databases`, the `.db` of each hash
    /// map counts as missing when absent (its content is not compared: it is built from the source).
    public static func status(of tree: EmittedTree, in root: String,
                              databases: Bool = true) -> [(path: String, status: Status)] {
        var out: [(String, Status)] = []
        for f in tree.files {
            let full = root + "/" + f.path
            switch readIfRegular(full) {
            case .some(let old): out.append((f.path, old == f.contents ? .same : .changed(old: old)))
            case .none: out.append((f.path, .missing))
            }
            if databases, f.map?.kind.needsDatabase == true {
                var st = stat()
                let ok = lstat(full + ".db", &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
                out.append((f.path + ".db", ok ? .same : .missing))
            }
        }
        for p in obsolete(in: root, current: paths(of: tree, databases: databases)) { out.append((p, .obsolete)) }
        return out
    }

    public static func write(_ tree: EmittedTree, to root: String,
                             buildDatabase: DatabaseBuilder?) throws(Failure) -> Report {
        var job = Job(root: root)
        do {
            try job.prepareRoot()
            for f in tree.files { try job.stage(f, buildDatabase: buildDatabase) }
            let current = paths(of: tree, databases: buildDatabase != nil)
            let gone = obsolete(in: root, current: current)
            try job.stage(EmittedFile(path: manifestName, contents: current.map { $0 + "\n" }.joined()), buildDatabase: nil)
            job.report.written.removeAll { $0 == manifestName }
            job.report.unchanged.removeAll { $0 == manifestName }
            try job.commit()
            for p in gone where unlink(root + "/" + p) == 0 { job.report.removed.append(p) }
        } catch {
            job.rollback()
            throw error
        }
        return job.report
    }

    /// One build's temporaries and created directories, so a failure can undo exactly those.
    struct Job {
        let root: String
        var createdDirs: [String] = []
        /// (temporary, final), renamed in this order at commit.
        var staged: [(String, String)] = []
        var report = Report()
        var counter = 0

        init(root: String) { self.root = root }

        mutating func prepareRoot() throws(Failure) {
            var st = stat()
            if stat(root, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFDIR else { throw Failure("`\(root)` exists and is not a directory") }
                return
            }
            guard errno == ENOENT else { throw Failure("cannot use `\(root)`: \(TreeWriter.errorText(errno))") }
            try makeDirs(root, below: nil)
        }

        /// mkdir -p for `dir`; components below `below` (the root) must not be symlinks.
        mutating func makeDirs(_ dir: String, below base: String?) throws(Failure) {
            var path = dir.hasPrefix("/") ? "" : "."
            var start = true
            for comp in dir.split(separator: "/") {
                path = (start && dir.hasPrefix("/")) ? "/" + comp : path + "/" + comp
                start = false
                var st = stat()
                if lstat(path, &st) == 0 {
                    let inside = base.map { path.count > $0.count } ?? false
                    if (st.st_mode & S_IFMT) == S_IFDIR { continue }
                    if (st.st_mode & S_IFMT) == S_IFLNK && !inside {
                        var target = stat()
                        if stat(path, &target) == 0, (target.st_mode & S_IFMT) == S_IFDIR { continue }
                    }
                    throw Failure((st.st_mode & S_IFMT) == S_IFLNK
                                  ? "refusing to write through symlink `\(path)`"
                                  : "`\(path)` exists and is not a directory")
                }
                guard errno == ENOENT else { throw Failure("cannot use `\(path)`: \(TreeWriter.errorText(errno))") }
                guard mkdir(path, 0o755) == 0 else { throw Failure("cannot create `\(path)`: \(TreeWriter.errorText(errno))") }
                createdDirs.append(path)
            }
        }

        mutating func stage(_ f: EmittedFile, buildDatabase: DatabaseBuilder?) throws(Failure) {
            guard !f.path.hasPrefix("/"), !f.path.split(separator: "/").contains("..") else {
                throw Failure("refusing path `\(f.path)` outside the output directory")
            }
            let full = root + "/" + f.path
            let dir = String(full[..<(full.lastIndex(of: "/") ?? full.startIndex)])
            try makeDirs(dir, below: root)
            var st = stat()
            if lstat(full, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
                throw Failure((st.st_mode & S_IFMT) == S_IFLNK ? "refusing to write through symlink `\(full)`"
                                                                : "`\(full)` exists and is not a regular file")
            }
            let needsDB = buildDatabase != nil && f.map?.kind.needsDatabase == true
            let dbMissing = needsDB && !(lstat(full + ".db", &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG)
            if !dbMissing, currentMode(full) == f.mode, TreeWriter.readIfRegular(full) == f.contents {
                report.unchanged.append(f.path)
                if needsDB { report.unchanged.append(f.path + ".db") }
                return
            }
            counter += 1
            let temp = "\(dir)/.\(full[full.index(after: full.lastIndex(of: "/") ?? full.startIndex)...]).gatewayctl-\(getpid())-\(counter)"
            try writeFile(temp, f.contents, mode: f.mode, for: full)
            staged.append((temp, full))
            report.written.append(f.path)
            if needsDB, let buildDatabase {
                // The table is built from the staged source, so both go live together.
                staged.append((temp + ".db", full + ".db"))
                do {
                    for w in try buildDatabase(temp) { report.warnings.append("\(full):\(w.line): \(w.message)") }
                } catch {
                    throw Failure("cannot build `\(full).db`: \(error)")
                }
                report.written.append(f.path + ".db")
            }
        }

        func currentMode(_ path: String) -> UInt16? {
            var st = stat()
            guard lstat(path, &st) == 0 else { return nil }
            return UInt16(st.st_mode & 0o7777)
        }

        /// O_EXCL + O_NOFOLLOW temp file, full write, fchmod, fsync.
        /// `target`: the final path, named in errors (the temporary is an implementation detail).
        mutating func writeFile(_ path: String, _ contents: String, mode: UInt16, for target: String) throws(Failure) {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw Failure("cannot write `\(target)`: \(TreeWriter.errorText(errno))") }
            var failure: Int32 = 0
            var text = contents
            text.withUTF8 { buf in
                var off = 0
                while off < buf.count, let base = buf.baseAddress {
                    let n = Glibc.write(fd, base + off, buf.count - off)
                    if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                    off += n
                }
            }
            if failure == 0, fchmod(fd, mode_t(mode)) != 0 { failure = errno }
            if failure == 0, fsync(fd) != 0 { failure = errno }
            if close(fd) != 0, failure == 0 { failure = errno }
            if failure != 0 {
                unlink(path)
                throw Failure("cannot write `\(target)`: \(TreeWriter.errorText(failure))")
            }
        }

        mutating func commit() throws(Failure) {
            var dirs = Set<String>()
            for (temp, final) in staged {
                guard rename(temp, final) == 0 else {
                    throw Failure("cannot rename `\(temp)` to `\(final)`: \(TreeWriter.errorText(errno))")
                }
                dirs.insert(String(final[..<(final.lastIndex(of: "/") ?? final.startIndex)]))
            }
            staged.removeAll()
            for d in dirs.sorted() {
                let fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if fd >= 0 { fsync(fd); close(fd) }
            }
            report.written.sort()
            report.unchanged.sort()
        }

        /// Removes every temporary still staged and the directories this run created.
        func rollback() {
            for (temp, _) in staged { unlink(temp) }
            for d in createdDirs.reversed() { rmdir(d) }
        }
    }

    /// The file's text when it is a regular file we can read (never through a symlink).
    static func readIfRegular(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func errorText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "error \(code)" }
        return String(cString: s).lowercased()
    }
}
