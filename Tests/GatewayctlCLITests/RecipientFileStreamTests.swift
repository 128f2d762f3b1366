import Foundation
import GatewayCompiler
@testable import MapBuilder
import TestSupport
import XCTest

/// A `[recipients] file` of many lines is never held: relay_recipients is streamed from it
/// (`StreamedContents`), compared and written a chunk at a time, its table sorted through the
/// disk when it outgrows the sort's budget, and looked up by scanning in `simulate`. Each test
/// checks what the user sees stays as it was with everything in memory.
final class RecipientFileStreamTests: XCTestCase {
    /// The seed gateway with its inline recipients replaced by `file = PATH`.
    private func seedConf(file: URL, in dir: URL) throws -> URL {
        let seed = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf"), encoding: .utf8)
        var lines = seed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeAll { $0.range(of: #"^usuario[0-9]*@example\.com$"#, options: .regularExpression) != nil }
        let header = try XCTUnwrap(lines.firstIndex(of: "[recipients]"), "examples/seed-gateway.conf changed: adapt this test")
        lines.insert("file = \(file.path)", at: header + 1)
        let conf = dir.appendingPathComponent("gateway.conf")
        try Data(lines.joined(separator: "\n").utf8).write(to: conf)
        return conf
    }

    private static let debian = ["--set", "gateway.platform=debian", "--set", "gateway.postfix=3.7"]

    /// 30,000 addresses, some twice in another case (duplicate warnings), CRLF and comments.
    private func writeRecipients(_ url: URL, count: Int = 30_000, extra: String = "") throws {
        var text = "# exported\n"
        for i in 1...count {
            text += "user\(i)@example.com\(i % 7 == 0 ? "\r" : "")\n"
            if i % 5000 == 0 { text += "USER\(i / 2)@Example.COM OK\n" }
        }
        try Data((text + extra).utf8).write(to: url)
    }

    func testAnInvalidLineDeepInTheFileKeepsItsPosition() throws {
        let dir = try TestSupport.makeTempDir("rcpt-deep")
        defer { try? FileManager.default.removeItem(at: dir) }
        let users = dir.appendingPathComponent("users.txt")
        try writeRecipients(users, count: 120_000, extra: "   broken.example.com\nlast@example.com\n")
        let conf = try seedConf(file: users, in: dir)
        // 1 comment + 120,000 addresses + 24 repeated ones, then the broken line.
        let expected = "\(users.path):120026:4: error:"
        let check = try TestSupport.gatewayctl(["check", conf.path] + Self.debian)
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains(expected), check.stdout)
        let out = dir.appendingPathComponent("out")
        let build = try TestSupport.gatewayctl(["build", conf.path, "--out", out.path] + Self.debian)
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
        XCTAssertTrue(build.stdout.contains(expected), build.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("etc/postfix/relay_recipients").path))
    }

    /// The streamed source, its table built with a sort budget far below its size (spilled to a
    /// scratch file beside the table), against postmap on the very source the build wrote.
    func testSpilledRelayRecipientsTableEqualsPostmaps() throws {
        try spilledRelayRecipients(type: .hash)
    }

    /// The same with `table-type = lmdb` (postfix-lmdb), whose writer sorts in lmdb's key order.
    func testSpilledLMDBRelayRecipientsTableEqualsPostmaps() throws {
        try spilledRelayRecipients(type: .lmdb)
    }

    private func spilledRelayRecipients(type: MapType) throws {
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let dir = try TestSupport.makeTempDir("rcpt-spill")
        defer { try? FileManager.default.removeItem(at: dir) }
        let users = dir.appendingPathComponent("users.txt")
        try writeRecipients(users)
        let conf = try seedConf(file: users, in: dir)
        let compilation = Compilation.compile(path: conf.path, overrides: ["gateway.platform=debian", "gateway.postfix=3.7",
                                                                         "gateway.table-type=\(type.rawValue)"])
        let tree = try XCTUnwrap(compilation.tree, "\(compilation.diagnostics)")
        let relay = try XCTUnwrap(tree.file("etc/postfix/relay_recipients"))
        let stream = try XCTUnwrap(relay.stream, "a recipients file must be streamed, not held")

        let spilled = SpilledRuns()
        let builder: TreeWriter.DatabaseBuilder = { source, type in
            var options = MapBuildOptions(map: MapOptions(smtputf8: tree.smtputf8), force: true)
            options.sortBudget = 32 << 10
            let result = try MapBuild.build(MapName(type: type, path: source), options: options)
            if source.hasSuffix("relay_recipients.gatewayctl-\(getpid())-new") { spilled.add(result.spilledRuns) }
            return result.warnings.map { (line: $0.line, message: $0.message) }
        }
        let out = dir.appendingPathComponent("out")
        let report = try TreeWriter.write(tree, to: out.path, buildDatabase: builder)
        XCTAssertGreaterThan(spilled.value, 10, "the relay_recipients build did not spill")

        let written = out.appendingPathComponent("etc/postfix/relay_recipients")
        let bytes = try Data(contentsOf: written)
        XCTAssertEqual(bytes.count, stream.size)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), relay.contents)

        // postmap on a copy of the same source, with the SMTPUTF8 setting the tree was built for.
        let postmapConf = dir.appendingPathComponent("postmap-conf")
        try FileManager.default.createDirectory(at: postmapConf, withIntermediateDirectories: true)
        try Data("smtputf8_enable = \(tree.smtputf8 ? "yes" : "no")\ncompatibility_level = 3.6\n".utf8)
            .write(to: postmapConf.appendingPathComponent("main.cf"))
        let theirs = dir.appendingPathComponent("theirs")
        try FileManager.default.createDirectory(at: theirs, withIntermediateDirectories: true)
        try bytes.write(to: theirs.appendingPathComponent("relay_recipients"))
        let built = try TestSupport.run(postmap, ["-c", postmapConf.path, "\(type.rawValue):\(theirs.path)/relay_recipients"])
        XCTAssertEqual(built.status, 0, built.stderr)
        func dump(_ source: String) throws -> Set<Substring> {
            let r = try TestSupport.run(postmap, ["-c", postmapConf.path, "-s", "\(type.rawValue):" + source])
            XCTAssertEqual(r.status, 0, r.stderr)
            return Set(r.stdout.split(separator: "\n"))
        }
        let ourDump = try dump(written.path)
        XCTAssertEqual(ourDump.count, 30_000)
        XCTAssertEqual(ourDump, try dump("\(theirs.path)/relay_recipients"))
        // The duplicate warnings: the same keys in the same order as postmap's.
        func keys(_ lines: [String]) -> [String] { lines.compactMap { $0.components(separatedBy: "duplicate entry: ").dropFirst().first } }
        let theirWarnings = keys(built.stderr.split(separator: "\n").map(String.init))
        let ourWarnings = keys(report.warnings)
        XCTAssertEqual(ourWarnings.count, 6, "\(report.warnings)")
        XCTAssertEqual(ourWarnings, theirWarnings)

        // Unchanged on the next build (compared a chunk at a time, fingerprint from the stream).
        XCTAssertTrue(try TreeWriter.write(tree, to: out.path, buildDatabase: builder).unchanged.contains("etc/postfix/relay_recipients" + type.databaseSuffix))
        XCTAssertTrue(TreeWriter.status(of: tree, in: out.path).allSatisfy { $0.status == .same })
    }

    /// The file changes between the check (emission) and the write: the build fails, DIR keeps
    /// its previous contents, nothing unvalidated is written.
    func testRecipientFileChangedAfterTheCheckFailsTheBuild() throws {
        let dir = try TestSupport.makeTempDir("rcpt-changed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let users = dir.appendingPathComponent("users.txt")
        try writeRecipients(users, count: 1000)
        let conf = try seedConf(file: users, in: dir)
        let out = dir.appendingPathComponent("out")
        let first = try TestSupport.gatewayctl(["build", conf.path, "--out", out.path] + Self.debian)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let written = out.appendingPathComponent("etc/postfix/relay_recipients")
        let before = try Data(contentsOf: written)

        let compilation = Compilation.compile(path: conf.path, overrides: ["gateway.platform=debian", "gateway.postfix=3.7"])
        let tree = try XCTUnwrap(compilation.tree)
        try writeRecipients(users, count: 1000, extra: "late@example.com\n")
        XCTAssertThrowsError(try TreeWriter.write(tree, to: out.path, buildDatabase: nil)) { error in
            XCTAssertTrue("\(error)".contains("changed since it was checked"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: written), before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: written.deletingLastPathComponent().path)
            .filter { $0.contains(".gatewayctl-") }
        XCTAssertEqual(leftovers, [])
    }

    /// `simulate CONFIG` answers relay_recipient_maps by scanning the stream: a listed address
    /// (in another case) passes the recipient check, an unlisted one gets 550 5.1.1.
    func testSimulateLooksRecipientsUpInTheStream() throws {
        let dir = try TestSupport.makeTempDir("rcpt-sim")
        defer { try? FileManager.default.removeItem(at: dir) }
        let users = dir.appendingPathComponent("users.txt")
        try writeRecipients(users, count: 50_000)
        let conf = try seedConf(file: users, in: dir)
        let common = ["simulate", conf.path, "--client-address", "203.0.113.9", "--helo", "mx.example.net",
                      "--from", "a@example.net", "--greylist-known"]
        let known = try TestSupport.gatewayctl(common + ["--to", "User49999@EXAMPLE.com"])
        XCTAssertEqual(known.status, 0, known.stdout + known.stderr)
        let unknown = try TestSupport.gatewayctl(common + ["--to", "user50001@example.com"])
        XCTAssertEqual(unknown.status, 1, unknown.stdout + unknown.stderr)
        XCTAssertTrue(unknown.stdout.contains("550 5.1.1"), unknown.stdout)
    }
}

private final class SpilledRuns: @unchecked Sendable {
    private let lock = NSLock()
    private var runs = 0
    func add(_ n: Int) { lock.lock(); runs += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return runs }
}
