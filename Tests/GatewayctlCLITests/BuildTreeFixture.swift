import Foundation
import TestSupport
import XCTest

/// Two versions of a small gateway and what their trees look like, for the tests of `build`'s
/// commit protocol: `old` has a `[senders]` table, `new` drops it, renames a recipient and
/// changes main.cf, so going from one to the other replaces, adds and deletes files and tables.
struct BuildTreeFixture {
    let work: URL
    let old: URL, new: URL
    let postmap: String
    private let postmapConf: URL

    static let minimal = TestSupport.packageRoot.appendingPathComponent("examples/minimal.conf")

    init(_ work: URL) throws {
        self.work = work
        let base = try String(contentsOf: Self.minimal, encoding: .utf8)
        old = work.appendingPathComponent("old.conf")
        new = work.appendingPathComponent("new.conf")
        try Data((base + "\n[senders]\nspammer@bad.example = REJECT\n").utf8).write(to: old)
        let changed = base.replacingOccurrences(of: "bob@example.org", with: "robert@example.org")
            .replacingOccurrences(of: "domain = example.org\n", with: "domain = example.org\nmessage-size-limit = 20480000\n")
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

    /// Every regular file under `dir` by relative path: text files by content, `.db` tables by
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
            if rel.hasSuffix(".db") {
                let r = try TestSupport.run(postmap, ["-c", postmapConf.path, "-s", "hash:" + base + String(rel.dropLast(3))])
                out[rel] = r.status == 0 ? "table:\n" + r.stdout.split(separator: "\n").sorted().joined(separator: "\n")
                                         : "unreadable table: \(r.stderr)"
            } else {
                out[rel] = (try? String(contentsOfFile: base + rel, encoding: .utf8)) ?? "<not UTF-8>"
            }
        }
        return out
    }

    /// Fails unless each `.db` holds exactly the records of its source (as postmap reads them).
    func assertTablesAnswerAsSources(_ t: [String: String], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        for (path, dump) in t where path.hasSuffix(".db") {
            guard let source = t[String(path.dropLast(3))] else {
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
