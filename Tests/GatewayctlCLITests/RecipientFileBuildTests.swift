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
}
