import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import PostfixConfig
@testable import Lint

/// The tables restrictions consult, read as Postfix reads them.
final class AccessTableTests: XCTestCase {
    func config(_ main: String, files: [String: String] = [:]) -> PostfixConfigSet {
        PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: main),
                         memoryFiles: files.mapValues { Array($0.utf8) })
    }

    func testDuplicateKeysKeepTheFirstAsPostmapDoes() {
        let c = config("x = 1\n", files: ["senders": "Boss@Example.com REJECT\nboss@example.com OK\n"])
        let t = AccessTable.open("hash:/etc/postfix/senders", config: c, scope: c.parameters(for: nil), at: nil)
        XCTAssertEqual(t.entries.map(\.key), ["boss@example.com"])
        XCTAssertEqual(t.entries.map(\.value), ["REJECT"])
        XCTAssertEqual(t.warnings.map(\.message), ["duplicate entry: \"boss@example.com\""])
        // So the later OK opens nothing.
        let open = RelayAnalysis.analyze(config("compatibility_level = 3.6\nsmtpd_relay_restrictions = check_sender_access hash:/etc/postfix/senders, reject_unauth_destination\n",
                                                files: ["senders": "boss@example.com REJECT\nboss@example.com OK\n"]), service: nil)
        XCTAssertFalse(open.isOpen)
    }

    func testInlineAndStaticTables() {
        let c = config("compatibility_level = 3.6\nsmtpd_relay_restrictions = check_helo_access inline:{ partner.example=OK, x.example=REJECT }, reject_unauth_destination\n")
        let a = RelayAnalysis.analyze(c, service: nil)
        XCTAssertTrue(a.isOpen)
        XCTAssertEqual(a.lists.first?.permits.first?.trigger, "`HELO partner.example` (or any name under it)")
        let s = config("compatibility_level = 3.6\nsmtpd_relay_restrictions = check_client_access static:OK, reject_unauth_destination\n")
        XCTAssertTrue(RelayAnalysis.analyze(s, service: nil).isOpen)
    }

    func testValueClassification() {
        XCTAssertEqual(RestrictionWalker.classify("OK"), .permits)
        XCTAssertEqual(RestrictionWalker.classify(" relay "), .permits)
        XCTAssertEqual(RestrictionWalker.classify("554"), .permits)
        XCTAssertEqual(RestrictionWalker.classify("554 go away"), .continues)
        XCTAssertEqual(RestrictionWalker.classify("DISCARD spam"), .permits)
        XCTAssertEqual(RestrictionWalker.classify("REJECT"), .continues)
        XCTAssertEqual(RestrictionWalker.classify("dunno"), .continues)
        XCTAssertEqual(RestrictionWalker.classify("permit_mynetworks, reject"), .restrictions)
    }

    /// A table present only as its built .db (the source was deleted) is read through
    /// MapBuilder's Berkeley DB reader; postmap builds it.
    func testDatabaseWithoutSourceIsRead() throws {
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let dir = try TestSupport.makeTempDir("access-db")
        defer { try? FileManager.default.removeItem(at: dir) }
        let conf = dir.appendingPathComponent("pm")
        try FileManager.default.createDirectory(at: conf, withIntermediateDirectories: true)
        try Data().write(to: conf.appendingPathComponent("main.cf"))
        try "partner.example.org OK\n".write(to: dir.appendingPathComponent("helo_access"), atomically: true, encoding: .utf8)
        let r = try TestSupport.run(postmap, ["-c", conf.path, "hash:" + dir.appendingPathComponent("helo_access").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("helo_access"))
        try "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination\n"
            .write(to: dir.appendingPathComponent("main.cf"), atomically: true, encoding: .utf8)
        let config = try PostfixConfigSet.load(directory: dir.path)
        let found = PostfixLinter.lint(config).filter { $0.id == "GW2001" }
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found.first?.message.contains("HELO partner.example.org") ?? false, "\(found)")
    }

    func testMynetworksTableCoveringTheWorld() {
        let c = config("compatibility_level = 3.6\nmynetworks = cidr:/etc/postfix/networks\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n",
                       files: ["networks": "192.0.2.0/24 x\n0.0.0.0/0 x\n"])
        let a = RelayAnalysis.analyze(c, service: nil)
        XCTAssertTrue(a.isOpen)
        XCTAssertEqual(a.lists.first?.permits.first?.notes.first?.span?.line, 2)
    }
}
