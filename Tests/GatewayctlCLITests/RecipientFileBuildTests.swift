import Foundation
import TestSupport
import XCTest

/// A `[recipients] file =` is streamed into relay_recipients byte for byte (the path a million
/// users take), and its .db answers like postmap's would.
final class RecipientFileBuildTests: XCTestCase {
    func testRecipientFileBecomesTheRelayRecipientsTable() throws {
        let dir = try TestSupport.makeTempDir("gatewayctl-rcptfile")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("# staff\nalice@example.org\n\nBob@Example.org\r\n  carol@example.org\n".utf8)
            .write(to: dir.appendingPathComponent("users.txt"))
        let minimal = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/minimal.conf"), encoding: .utf8)
        let conf = minimal.replacingOccurrences(of: "alice@example.org\nbob@example.org\n", with: "file = users.txt\n")
        XCTAssertNotEqual(conf, minimal, "examples/minimal.conf changed: adapt this test")
        try Data(conf.utf8).write(to: dir.appendingPathComponent("gateway.conf"))

        let out = dir.appendingPathComponent("out")
        let r = try TestSupport.gatewayctl(["build", dir.appendingPathComponent("gateway.conf").path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let source = try String(contentsOf: out.appendingPathComponent("etc/postfix/relay_recipients"), encoding: .utf8)
        let entries = source.split(separator: "\n").filter { !$0.hasPrefix("#") }
        // The source keeps the file's spelling; the table folds keys to lower case, as postmap does.
        XCTAssertEqual(entries, ["alice@example.org OK", "Bob@Example.org OK", "carol@example.org OK"])

        let dump = try TestSupport.gatewayctl(["map", "dump", "hash:" + out.appendingPathComponent("etc/postfix/relay_recipients").path])
        XCTAssertEqual(Set(dump.stdout.split(separator: "\n")), ["alice@example.org\tOK", "bob@example.org\tOK", "carol@example.org\tOK"])
    }

    /// `gatewayctl build some/dir/gateway.conf` with `file = users.txt`: the file is found beside
    /// gateway.conf, not beside the working directory, and not twice-joined.
    func testRelativeConfigPathFindsTheRecipientFileBesideIt() throws {
        let dir = try TestSupport.makeTempDir("gatewayctl-rcptrel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sub = dir.appendingPathComponent("conf/site")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try Data("alice@example.org\n".utf8).write(to: sub.appendingPathComponent("users.txt"))
        let minimal = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/minimal.conf"), encoding: .utf8)
        try Data(minimal.replacingOccurrences(of: "alice@example.org\nbob@example.org\n", with: "file = users.txt\n").utf8)
            .write(to: sub.appendingPathComponent("gateway.conf"))
        for command in [["check", "conf/site/gateway.conf"], ["build", "conf/site/gateway.conf", "--out", "out"]] {
            let r = try TestSupport.gatewayctl(command, cwd: dir)
            XCTAssertEqual(r.status, 0, "\(command): \(r.stdout)\(r.stderr)")
        }
        let table = try String(contentsOf: dir.appendingPathComponent("out/etc/postfix/relay_recipients"), encoding: .utf8)
        XCTAssertTrue(table.contains("alice@example.org OK\n"))
    }
}
