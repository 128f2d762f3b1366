import FileLayer
#if canImport(Glibc)
import Glibc
#endif

/// The commit record of one `build` (DIR/.gatewayctl-journal): every rename and delete the
/// build is about to make, each with the hard link that keeps the previous file. It is written
/// atomically and fsynced after every new file and every backup link is durable, and before the
/// first rename; it is removed after the last rename and delete are fsynced. While it exists the
/// tree may be mixed, so the next build (under the lock, before anything else) rolls it back:
/// each backup is renamed over its file, each new file removed. Rolling back is idempotent, so a
/// crash during the rollback is recovered the same way. The journal lives in DIR, so it is
/// untrusted input: every name is one path component and every directory is resolved below DIR
/// without following a symlink.
struct TreeJournal: Equatable {
    static let name = ".gatewayctl-journal"
    static let header = "gatewayctl-journal 1"

    enum Step: Equatable {
        /// `temp` becomes `name` in `dir`; `backup` is a hard link to the previous `name`
        /// (nil when there was none).
        case replace(dir: String, temp: String, name: String, backup: String?)
        /// `name` in `dir` is deleted; `backup` is a hard link to it.
        case delete(dir: String, name: String, backup: String)

        var dir: String {
            switch self { case .replace(let d, _, _, _), .delete(let d, _, _): d }
        }
    }

    var steps: [Step] = []

    func encoded() -> [UInt8] {
        var text = Self.header + "\n"
        for step in steps {
            switch step {
            case .replace(let dir, let temp, let name, let backup):
                text += "replace\t\(dir)\t\(temp)\t\(name)\t\(backup ?? "-")\n"
            case .delete(let dir, let name, let backup):
                text += "delete\t\(dir)\t\(name)\t\(backup)\n"
            }
        }
        return Array((text + "end\n").utf8)
    }

    /// nil unless the text is a whole journal (header, steps, `end`) of well-formed names.
    static func decode(_ bytes: [UInt8]) -> TreeJournal? {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines.first == Substring(header), lines[lines.count - 2] == "end", lines.last == "" else { return nil }
        var journal = TreeJournal()
        for line in lines.dropFirst().dropLast(2) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4, validDir(f[1]), f.dropFirst(2).allSatisfy(validName) else { return nil }
            switch (f[0], f.count) {
            case ("replace", 5) where isTemporary(f[2]) && (f[4] == "-" || isTemporary(f[4])):
                journal.steps.append(.replace(dir: f[1], temp: f[2], name: f[3], backup: f[4] == "-" ? nil : f[4]))
            case ("delete", 4) where isTemporary(f[3]):
                journal.steps.append(.delete(dir: f[1], name: f[2], backup: f[3]))
            default:
                return nil
            }
        }
        return journal
    }

    static func validName(_ s: String) -> Bool { !s.isEmpty && s != "." && s != ".." && !s.contains("/") }
    static func validDir(_ s: String) -> Bool {
        s == "." || (!s.hasPrefix("/") && s.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { validName(String($0)) })
    }

    /// `.NAME.gatewayctl-PID-...` (ours and MapBuilder's) or libdb's `__db.` create-time name
    /// for one; returns the PID.
    static func temporaryOwner(_ name: String) -> pid_t? {
        guard name.hasPrefix(".") || name.hasPrefix("__db.") else { return nil }
        // The tag may follow a name that itself holds `.gatewayctl-` (`..gatewayctl-tree.gatewayctl-PID-new`).
        var from = name.startIndex
        while let r = name[from...].firstRange(of: ".gatewayctl-") {
            let rest = name[r.upperBound...]
            if let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 { return pid }
            from = r.upperBound
        }
        return nil
    }

    static func isTemporary(_ name: String) -> Bool { temporaryOwner(name) != nil }

    /// Resolves a step's directory below `root` (never through a symlink).
    static func directory(_ dir: String, in root: Directory, cache: inout [String: Directory]) throws(FileError) -> Directory {
        if dir == "." { return root }
        if let d = cache[dir] { return d }
        let d = try root.subdirectory(dir)
        cache[dir] = d
        return d
    }

    /// Makes the build final: every rename and delete in order, every touched directory fsynced,
    /// then the journal removed (the commit is now permanent) and the backups dropped.
    func apply(in root: Directory) throws(FileError) {
        var dirs: [String: Directory] = [:]
        for step in steps {
            let d = try Self.directory(step.dir, in: root, cache: &dirs)
            switch step {
            case .replace(_, let temp, let name, _): try d.rename(temp, to: name)
            case .delete(_, let name, _): try d.remove(name)
            }
        }
        for d in dirs.values { try d.sync() }
        // The root's own renames (the manifest) are durable before the journal goes.
        try root.sync()
        try root.remove(Self.name)
        try root.sync()
        for step in steps {
            switch step {
            case .replace(_, _, _, let backup?), .delete(_, _, let backup):
                _ = try? Self.directory(step.dir, in: root, cache: &dirs).remove(backup)
            case .replace: break
            }
        }
    }

    /// Puts back what the journal's build replaced or deleted and removes what it added, then
    /// removes the journal. Safe to repeat after a crash at any point of a previous rollback.
    func rollBack(in root: Directory) throws(FileError) {
        var dirs: [String: Directory] = [:]
        for step in steps.reversed() {
            guard let d = try? Self.directory(step.dir, in: root, cache: &dirs) else { continue }
            switch step {
            case .replace(_, let temp, let name, let backup):
                if let backup {
                    if d.info(backup) != nil { try d.rename(backup, to: name) }
                    _ = try d.remove(backup)   // rename between two links of one file leaves both
                } else {
                    try d.remove(name)
                }
                try d.remove(temp)
            case .delete(_, let name, let backup):
                if d.info(backup) != nil { try d.rename(backup, to: name) }
                _ = try d.remove(backup)
            }
        }
        for d in dirs.values { try d.sync() }
        try root.sync()
        try root.remove(Self.name)
        try root.sync()
    }

    /// Rolls back the journal an interrupted build left in `root`, if any. Returns true when
    /// there was one. A journal that is not whole was never committed: it is only removed.
    static func recover(in root: Directory) throws(FileError) -> Bool {
        guard root.info(name) != nil else { return false }
        let bytes = try root.read(name, limit: 64 << 20)
        guard let journal = decode(bytes) else {
            try root.remove(name)
            try root.sync()
            return true
        }
        try journal.rollBack(in: root)
        return true
    }
}
