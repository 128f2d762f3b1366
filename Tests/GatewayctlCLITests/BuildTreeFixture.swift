import Foundation
import TestSupport
import XCTest

/// Two versions of a small gateway and what their trees look like, for the tests of `build`'s
/// commit protocol: `old` has a `[senders]` table, `new` drops it, renames a recipient and
/// changes main.cf, so going from one to the other replaces, adds and deletes files and tables.
/// With `newTableType`, `new` also switches every table to that type (`.db` files deleted,
/// `.lmdb`/`.cdb` files added in the same commit).
struct BuildTreeFixture {
    let work: URL
    let old: URL, new: URL
    let postmap: String
    private let postmapConf: URL

    static let minimal = TestSupport.packageRoot.appendingPathComponent("examples/minimal.conf")

    init(_ work: URL, newTableType: String? = nil) throws {
        self.work = work
        let base = try String(contentsOf: Self.minimal, encoding: .utf8)
        old = work.appendingPathComponent("old.conf")
        new = work.appendingPathComponent("new.conf")
        try Data((base + "\n[senders]\nspammer@bad.example = REJECT\n").utf8).write(to: old)
        let changed = base.replacingOccurrences(of: "bob@example.org", with: "robert@example.org")
            .replacingOccurrences(of: "domain = example.org\n", with: "domain = example.org\nmessage-size-limit = 20480000\n"
                                  + (newTableType.map { "table-type = \($0)\n" } ?? ""))
        try Data(changed.utf8).write(to: new)
        postmap = try TestSupport.requireTool("postmap", package: "postfix")
        postmapConf = work.appendingPathComponent("postmap-conf")
        try FileManager.default.createDirectory(at: postmapConf, withIntermediateDirectories: true)
        try Data().write(to: postmapConf.appendingPathComponent("main.cf"))
    }

    @discardableResult
    func build(_ config: URL, _ out: URL, _ extra: [String] = []) throws -> ProcessResult {
        try TestSupport.gatewayctl(["build", config.path, "--out", out.path] + extra)
    }

    /// Names a build may leave only while it runs (temporaries, backups, libdb's create names).
    static func isLeftover(_ name: String) -> Bool {
        (name.hasPrefix(".") || name.hasPrefix("__db.")) && name.range(of: #"\.gatewayctl-[0-9]+-"#, options: .regularExpression) != nil
    }

    /// The built-table suffixes and the type postmap opens each as.
    static let tableSuffixes = [".db": "hash", ".lmdb": "lmdb", ".cdb": "cdb"]

    static func tableSuffix(_ rel: String) -> String? { tableSuffixes.keys.first { rel.hasSuffix($0) } }

    /// Every regular file under `dir` by relative path: text files by content, built tables by
    /// what postmap dumps from them (sorted). Lock, journal, staging record and leftovers are not
    /// part of the tree.
    func tree(_ dir: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        let base = dir.standardizedFileURL.path + "/"
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return out }
        for case let rel as String in e {
            let name = (rel as NSString).lastPathComponent
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base + rel, isDirectory: &isDir), !isDir.boolValue,
                  ![".gatewayctl-lock", ".gatewayctl-journal", ".gatewayctl-staging"].contains(name),
                  !Self.isLeftover(name) else { continue }
            if let suffix = Self.tableSuffix(rel), let type = Self.tableSuffixes[suffix] {
                let r = try TestSupport.run(postmap, ["-c", postmapConf.path, "-s", "\(type):" + base + String(rel.dropLast(suffix.count))])
                out[rel] = r.status == 0 ? "table:\n" + r.stdout.split(separator: "\n").sorted().joined(separator: "\n")
                                         : "unreadable table: \(r.stderr)"
            } else {
                out[rel] = (try? String(contentsOfFile: base + rel, encoding: .utf8)) ?? "<not UTF-8>"
            }
        }
        return out
    }

    /// Fails unless each built table holds exactly the records of its source (as postmap reads them).
    func assertTablesAnswerAsSources(_ t: [String: String], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        for (path, dump) in t {
            guard let suffix = Self.tableSuffix(path) else { continue }
            guard let source = t[String(path.dropLast(suffix.count))] else {
                XCTFail("\(label): \(path) without its source", file: file, line: line)
                continue
            }
            let records = source.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                .map { l -> String in
                    let parts = l.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
                    return parts[0].lowercased() + "\t" + (parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
                }.sorted()
            XCTAssertEqual(dump, "table:\n" + records.joined(separator: "\n"), "\(label): \(path) does not answer as its source",
                           file: file, line: line)
        }
    }

    /// Leftover names anywhere under `dir`.
    func leftovers(_ dir: URL) -> [String] {
        (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? [])
            .filter { Self.isLeftover(($0 as NSString).lastPathComponent) }.sorted()
    }
}
