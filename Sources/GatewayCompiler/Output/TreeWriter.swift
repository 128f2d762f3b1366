import FileLayer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MapBuilder

/// Writes an `EmittedTree` under a directory, all or nothing, safe at every syscall (the
/// protocol is in README.md, "Building a gateway"): under an exclusive lock on DIR, roll back
/// what an interrupted build left (`TreeJournal`), remove leftovers of killed builds, stage
/// every changed file and table beside its target with a hard-link backup of what it replaces
/// (`Staging`), write and fsync the journal, rename, fsync, remove the journal. Every path is
/// resolved below DIR without following a symlink. Unchanged files are not rewritten (their
/// mtimes, and Postfix's view of them, stay as they were); a table counts as unchanged only when
/// its fingerprint says it was built from the source's current bytes.
/// `.gatewayctl-tree` at the root lists what the last build wrote, so a file the gateway no
/// longer needs (e.g. `access_clients` after `[clients]` was removed) is deleted, not left behind.
public enum TreeWriter {
    /// Builds the table of `type` (`sourcePath + type.databaseSuffix`) from the source at
    /// `sourcePath` (MapBuilder's job) and returns its warnings as (line, message).
    public typealias DatabaseBuilder = @Sendable (_ sourcePath: String, _ type: MapType) throws -> [(line: Int, message: String)]

    public struct Report: Equatable, Sendable {
        /// Relative paths written (sources and built tables: `.db`, `.lmdb`, `.cdb`), sorted.
        public var written: [String] = []
        public var unchanged: [String] = []
        /// Files of an earlier build that the tree no longer has, deleted.
        public var removed: [String] = []
        /// Table warnings (e.g. duplicate keys), as `path:line: message` of the final path.
        public var warnings: [String] = []
        /// An interrupted build's journal was found and rolled back before this build.
        public var recovered = false
        /// Where `--out` points when it is a symbolic link (resolved once, then used as a directory).
        public var resolvedRoot: String?
    }

    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        /// DIR was left mid-commit (a rollback failed too): not "unchanged" until the next build.
        public var pendingRollback = false
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
    static let manifestName = ".gatewayctl-tree"

    /// Relative paths the tree consists of on disk (sources, and the built tables when built:
    /// `.db`, `.lmdb` or `.cdb` by the table's type, so a build after a type change deletes the
    /// other type's files as obsolete).
    static func paths(of tree: EmittedTree, databases: Bool) -> [String] {
        tree.files.flatMap { f in [f.path] + (databases ? builtTable(f).map { [$0] } ?? [] : []) }.sorted()
    }

    /// The relative path of the table built from `f`, or nil when `f` is not an indexed table.
    static func builtTable(_ f: EmittedFile) -> String? {
        guard let kind = f.map?.kind, kind.needsBuiltFile else { return nil }
        return f.path + kind.databaseSuffix
    }

    /// The lock file under DIR: a build holds it exclusively, `--check`/`--diff` shared.
    public static let lockName = ".gatewayctl-lock"
    /// The commit record of a build in progress (see `TreeJournal`).
    public static let journalName = TreeJournal.name

    /// The paths the manifest of the last build lists (well-formed relative paths only).
    static func manifest(in dir: Directory) -> [String] {
        guard let bytes = try? dir.read(manifestName, limit: 64 << 20) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { TreeJournal.validDir($0) && !$0.contains("\t") && $0 != manifestName }
    }

    /// Files the previous build's manifest lists that `current` no longer has and that still
    /// exist as regular files reached without a symlink; `skipped` are those behind one (never
    /// followed, never deleted).
    static func obsolete(in dir: Directory, current: [String]) -> (paths: [String], skipped: [String]) {
        let keep = Set(current)
        var paths: [String] = [], skipped: [String] = []
        for p in Set(manifest(in: dir)).subtracting(keep).sorted() {
            let (rel, name) = split(p)
            let parent: Directory
            do {
                parent = rel == "." ? dir : try dir.subdirectory(rel)
            } catch {
                // Gone is fine; a symlink or a file on the way is reported, never followed.
                if error.kind != .notFound { skipped.append(p) }
                continue
            }
            guard let st = parent.info(name) else { continue }
            if (st.st_mode & S_IFMT) == S_IFREG { paths.append(p) } else { skipped.append(p) }
        }
        return (paths, skipped)
    }

    /// How a file of the tree compares with what its directory holds; a non-regular file in the
    /// way is an error when `strict` (the build), a missing file otherwise (`--check`).
    enum FileState: Equatable { case same, missing, changed(old: [UInt8]) }

    static func state(of name: String, in dir: Directory, display: String, bytes: [UInt8], mode: UInt16,
                      strict: Bool = true) throws(Failure) -> FileState {
        guard let st = dir.info(name) else { return .missing }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            if !strict { return .missing }
            throw Failure(message(FileError((st.st_mode & S_IFMT) == S_IFLNK ? .symlink : .notRegularFile, "write", display)))
        }
        guard let old = try? dir.read(name) else { return .changed(old: []) }
        return old == bytes && UInt16(st.st_mode & 0o7777) == mode ? .same : .changed(old: old)
    }

    /// A table answers as its source when its fingerprint attribute (set by MapBuilder before
    /// the table's rename) is the fingerprint of the source's bytes: the presence of a `.db`
    /// says nothing. `DatabaseBuilder` builds with postmap's default options, as here; a table
    /// built otherwise counts as stale and is rebuilt. `options`: the tree's (`EmittedTree.smtputf8`).
    static func tableState(of name: String, type: MapType, in dir: Directory, display: String, source: [UInt8],
                           options: MapOptions = MapOptions(), strict: Bool = true) throws(Failure) -> FileState {
        // The fingerprint covers the type: a hash and a btree `.db` of one source differ.
        try tableState(of: name, type: type, in: dir, display: display, strict: strict) {
            MapBuild.fingerprint(ofSource: source, type: type, options: options)
        }
    }

    /// The built table of `name` against the fingerprint `expected` gives (computed only when a
    /// regular table file is there); a non-regular file in the way as in `state(of:)`.
    static func tableState(of name: String, type: MapType, in dir: Directory, display: String, strict: Bool,
                           expected: () -> String) throws(Failure) -> FileState {
        let table = name + type.databaseSuffix
        guard let st = dir.info(table) else { return .missing }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            if !strict { return .missing }
            throw Failure(message(FileError((st.st_mode & S_IFMT) == S_IFLNK ? .symlink : .notRegularFile, "write",
                                            display + type.databaseSuffix)))
        }
        return dir.attribute(MapBuild.fingerprintAttribute, of: table) == Array(expected().utf8) ? .same : .changed(old: [])
    }

    /// True when DIR holds the journal of a build that was interrupted (the next build rolls it back).
    public static func interrupted(in root: String) -> Bool {
        guard let dir = try? Directory.open(root) else { return false }
        return dir.info(TreeJournal.name) != nil
    }

    /// Per file of the tree, relative path and status. With `databases`, the built file of each indexed
    /// map is compared by content: `.same` only when it was built from the source's bytes.
    /// Waits for a build running in `root` (shared lock).
    public static func status(of tree: EmittedTree, in root: String,
                              databases: Bool = true) -> [(path: String, status: Status)] {
        guard let dir = try? Directory.open(root) else {
            return paths(of: tree, databases: databases).map { ($0, .missing) }
        }
        let lock = (try? DirectoryLock(dir, name: lockName, exclusive: false)) ?? nil
        defer { lock?.release() }
        var out: [(String, Status)] = []
        for f in tree.files {
            let (rel, name) = split(f.path)
            guard let parent = rel == "." ? dir : try? dir.subdirectory(rel) else {
                out.append((f.path, .missing))
                if databases, let table = builtTable(f) { out.append((table, .missing)) }
                continue
            }
            switch (try? state(of: f, name: name, in: parent, display: f.path, strict: false)) ?? .missing {
            case .same: out.append((f.path, .same))
            case .missing: out.append((f.path, .missing))
            case .changed(let old): out.append((f.path, .changed(old: String(decoding: old, as: UTF8.self))))
            }
            if databases, let table = builtTable(f), let kind = f.map?.kind {
                switch (try? tableState(of: f, type: kind, name: name, in: parent, display: f.path,
                                        options: MapOptions(smtputf8: tree.smtputf8), strict: false)) ?? .missing {
                case .same: out.append((table, .same))
                case .missing: out.append((table, .missing))
                case .changed: out.append((table, .changed(old: "")))
                }
            }
        }
        for p in obsolete(in: dir, current: paths(of: tree, databases: databases)).paths { out.append((p, .obsolete)) }
        return out
    }

    /// Builds the tree into `root` (see the type's comment). `waiting` is called once when
    /// another build holds DIR's lock; this one then waits for it.
    public static func write(_ tree: EmittedTree, to root: String, buildDatabase: DatabaseBuilder?,
                             waiting: () -> Void = {}) throws(Failure) -> Report {
        var report = Report()
        var st = stat()
        let existed = lstat(root, &st) == 0
        if existed, (st.st_mode & S_IFMT) == S_IFLNK, let real = realpath(root, nil) {
            // `--out` itself may be a symlink (the user's choice): resolved here, once, and said.
            report.resolvedRoot = String(cString: real)
            free(real)
        }
        let dir: Directory
        do { dir = try Directory.open(root, create: true) } catch { throw Failure(message(error)) }
        let lock: DirectoryLock?
        do { lock = try DirectoryLock(dir, name: lockName, waiting: waiting) } catch { throw Failure(message(error)) }
        defer { lock?.release() }
        do {
            report.recovered = try TreeJournal.recover(in: dir)
        } catch {
            throw Failure("cannot roll back the interrupted build in `\(root)`: \(message(error))")
        }
        let current = paths(of: tree, databases: buildDatabase != nil)
        removeLeftovers(in: dir, paths: current + manifest(in: dir) + [manifestName])

        var staging = Staging(root: dir, rootPath: root)
        staging.tableOptions = MapOptions(smtputf8: tree.smtputf8)
        do throws(Failure) {
            for f in tree.files { try staging.stage(f, buildDatabase: buildDatabase) }
            let gone = obsolete(in: dir, current: current)
            for p in gone.paths { try staging.stageDeletion(p) }
            for p in gone.skipped {
                staging.report.warnings.append("\(staging.display(p)): not removed: not a regular file reached without a symlink")
            }
            try staging.stage(EmittedFile(path: manifestName, contents: current.map { $0 + "\n" }.joined()), buildDatabase: nil)
            staging.report.written.removeAll { $0 == manifestName }
            staging.report.unchanged.removeAll { $0 == manifestName }
            if !staging.journal.steps.isEmpty {
                try staging.syncDirectories()
                do {
                    try dir.replace(TreeJournal.name, with: staging.journal.encoded(), mode: 0o644)
                } catch {
                    throw Failure(message(error))
                }
            }
        } catch {
            // A journal here is ours (recovery removed any older one, and we hold the lock): its
            // rename may have happened before the fsync that failed. It goes before its backups.
            if (try? dir.remove(TreeJournal.name)) == true { try? dir.sync() }
            staging.discard()
            if !existed {
                _ = try? dir.remove(lockName)
                rmdir(root)
            }
            throw error
        }
        // Committed: from here a crash is rolled back by the next build, a failure right now.
        do {
            try staging.journal.apply(in: dir)
        } catch {
            do {
                try staging.journal.rollBack(in: dir)
            } catch let second {
                var failure = Failure("\(message(error)); rolling back failed too (\(message(second))): "
                                      + "the next build of `\(root)` restores its previous contents")
                failure.pendingRollback = true
                throw failure
            }
            throw Failure(message(error))
        }
        let warnings = report.warnings
        let recovered = report.recovered, resolved = report.resolvedRoot
        if !staging.newDirectories.isEmpty { _ = try? dir.remove(stagingRecordName) }
        report = staging.report
        report.warnings = warnings + report.warnings
        report.recovered = recovered
        report.resolvedRoot = resolved
        report.written.sort()
        report.unchanged.sort()
        report.removed.sort()
        return report
    }
}
