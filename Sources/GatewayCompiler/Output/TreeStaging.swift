import FileLayer
import MapBuilder
#if canImport(Glibc)
import Glibc
#endif

extension TreeWriter {
    /// The first half of a build: every changed file (and its table) written beside its target
    /// under a temporary name and fsynced, a hard-link backup of every file about to be replaced
    /// or deleted, every directory holding one fsynced. Records the journal steps that would make
    /// it live; until the journal is written, `discard()` undoes all of it.
    struct Staging {
        let root: Directory
        let rootPath: String
        /// `.NAME.gatewayctl-PID-new` / `-old`: PID lets the next build tell leftovers from a live build.
        let tag = "gatewayctl-\(getpid())"
        var journal = TreeJournal()
        /// How the tree's tables are built (SMTPUTF8 or not): part of a table's fingerprint.
        var tableOptions = MapOptions()
        var report = Report()
        /// Directories this build created, (parent, name), in creation order.
        var created: [(Directory, String)] = []
        var dirs: [String: Directory] = [:]

        init(root: Directory, rootPath: String) {
            self.root = root
            self.rootPath = rootPath
        }

        func display(_ rel: String) -> String { rootPath.hasSuffix("/") ? rootPath + rel : rootPath + "/" + rel }

        /// The directory of a tree path, created when missing, never through a symlink.
        /// Directories this build creates, noted in `stagingRecordName` before the first of them
        /// is made: the next build sweeps them even when its own tree has no file there.
        var newDirectories: [String] = []

        mutating func directory(_ rel: String, create: Bool) throws(Failure) -> Directory {
            if rel == "." { return root }
            if let d = dirs[rel] { return d }
            do {
                if create, (try? root.subdirectory(rel)) == nil {
                    newDirectories.append(rel)
                    let record = newDirectories.map { $0 + "\n" }.joined()
                    try root.replace(TreeWriter.stagingRecordName, with: Array(record.utf8), mode: 0o644)
                }
                let d = try root.subdirectory(rel, create: create, created: &created)
                dirs[rel] = d
                return d
            } catch {
                throw Failure(TreeWriter.message(error))
            }
        }

        mutating func stage(_ f: EmittedFile, buildDatabase: DatabaseBuilder?) throws(Failure) {
            guard TreeJournal.validDir(f.path) else {
                throw Failure("refusing path `\(f.path)` outside the output directory")
            }
            let (rel, name) = TreeWriter.split(f.path)
            let dir = try directory(rel, create: true)
            let tableType = buildDatabase == nil ? nil : f.map.flatMap { $0.kind.needsBuiltFile ? $0.kind : nil }
            let suffix = tableType?.databaseSuffix ?? ""
            let sourceState = try TreeWriter.state(of: f, name: name, in: dir, display: display(f.path))
            let tableState = try tableType.map { t throws(Failure) in
                try TreeWriter.tableState(of: f, type: t, name: name, in: dir, display: display(f.path), options: tableOptions)
            } ?? .same
            if sourceState == .same && tableState == .same {
                report.unchanged.append(f.path)
                if tableType != nil { report.unchanged.append(f.path + suffix) }
                return
            }
            // A table is built from the staged source, so a stale table restages both and they
            // go live in one commit.
            let temp = ".\(name).\(tag)-new"
            journal.steps.append(.replace(dir: rel, temp: temp, name: name, backup: try backup(name, in: dir, rel)))
            do {
                let file = try dir.create(temp)
                try TreeWriter.write(f, to: file, display: display(f.path))
                try file.setMode(mode_t(f.mode))
                try file.sync()
                try file.close()
            } catch let error as FileError {
                throw Failure(TreeWriter.message(FileError(error.kind, "write", display(f.path), code: error.code)))
            } catch {
                throw error as? Failure ?? Failure("\(error)")
            }
            report.written.append(f.path)
            guard let tableType, let buildDatabase else { return }
            let tableBackup = try backup(name + suffix, in: dir, rel)
            journal.steps.append(.replace(dir: rel, temp: temp + suffix, name: name + suffix, backup: tableBackup))
            do {
                // Through the descriptor: the table lands in the directory resolved above.
                for w in try buildDatabase(dir.procPath + "/" + temp, tableType) {
                    report.warnings.append("\(display(f.path)):\(w.line): \(w.message)")
                }
            } catch {
                let text = "\(error)".replacing(dir.procPath + "/" + temp, with: display(f.path))
                throw Failure("cannot build `\(display(f.path))\(suffix)`: \(text)")
            }
            report.written.append(f.path + suffix)
        }

        /// A hard link `.NAME.gatewayctl-PID-old` to the file `name` about to be replaced, so a
        /// rollback can put it back; nil when there is no such file.
        mutating func backup(_ name: String, in dir: Directory, _ rel: String) throws(Failure) -> String? {
            guard let st = dir.info(name) else { return nil }
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                throw Failure(TreeWriter.message(FileError((st.st_mode & S_IFMT) == S_IFLNK ? .symlink : .notRegularFile,
                                                           "write", display(rel == "." ? name : rel + "/" + name))))
            }
            let backup = ".\(name).\(tag)-old"
            do { try dir.link(name, to: backup) } catch { throw Failure(TreeWriter.message(error)) }
            return backup
        }

        /// A file of an earlier build that the tree no longer has: backed up, deleted at commit.
        mutating func stageDeletion(_ path: String) throws(Failure) {
            let (rel, name) = TreeWriter.split(path)
            let dir = try directory(rel, create: false)
            guard let backup = try backup(name, in: dir, rel) else { return }
            journal.steps.append(.delete(dir: rel, name: name, backup: backup))
            report.removed.append(path)
        }

        /// Makes every temporary and backup durable: fsync of each directory holding one.
        func syncDirectories() throws(Failure) {
            var seen = Set<String>()
            for step in journal.steps where seen.insert(step.dir).inserted {
                do { try (step.dir == "." ? root : dirs[step.dir]!).sync() } catch { throw Failure(TreeWriter.message(error)) }
            }
        }

        /// Before the journal exists: removes every temporary, backup and created directory.
        func discard() {
            for step in journal.steps {
                guard let dir = step.dir == "." ? root : dirs[step.dir] else { continue }
                switch step {
                case .replace(_, let temp, _, let backup):
                    _ = try? dir.remove(temp)
                    if let backup { _ = try? dir.remove(backup) }
                case .delete(_, _, let backup):
                    _ = try? dir.remove(backup)
                }
            }
            for (parent, name) in created.reversed() { parent.removeDirectory(name) }
            if !newDirectories.isEmpty { _ = try? root.remove(TreeWriter.stagingRecordName) }
        }
    }

    /// The directories a build was creating (one per line), removed when it ends; left behind
    /// by a killed build for the next one to sweep.
    static let stagingRecordName = ".gatewayctl-staging"

    /// Removes what killed builds left: temporaries and backups (`.NAME.gatewayctl-PID-...`, libdb's
    /// `__db.` names for them) whose process is gone, in every directory of `paths` and of the
    /// staging record that resolves below the root without a symlink, then the record. Runs
    /// under the lock, after recovery.
    static func removeLeftovers(in root: Directory, paths: [String]) {
        var seen = Set<String>()
        let record = (try? root.read(stagingRecordName, limit: 1 << 20)).map {
            String(decoding: $0, as: UTF8.self).split(separator: "\n").map { String($0) + "/-" }
        } ?? []
        for path in paths + record {
            let rel = split(path).dir
            guard TreeJournal.validDir(rel), seen.insert(rel).inserted,
                  let dir = rel == "." ? root : try? root.subdirectory(rel) else { continue }
            for name in (try? dir.entries()) ?? [] {
                guard let pid = TreeJournal.temporaryOwner(name), kill(pid, 0) != 0, errno == ESRCH else { continue }
                if let st = dir.info(name), (st.st_mode & S_IFMT) == S_IFREG { _ = try? dir.remove(name) }
            }
        }
        if root.info(stagingRecordName) != nil, (try? root.remove(stagingRecordName)) == true { try? root.sync() }
    }

    /// (directory, name) of a relative path; the directory is "." at the root.
    static func split(_ path: String) -> (dir: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    /// One wording for a file failure in the tree (the tests and users know these sentences).
    static func message(_ error: FileError) -> String {
        switch error.kind {
        case .symlink: "refusing to write through symlink `\(error.path)`"
        case .notDirectory: "`\(error.path)` exists and is not a directory"
        case .notRegularFile, .isDirectory: "`\(error.path)` exists and is not a regular file"
        default: error.description
        }
    }
}
