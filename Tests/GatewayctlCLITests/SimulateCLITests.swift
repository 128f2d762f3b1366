import Foundation
import TestSupport
import XCTest

/// `gatewayctl simulate` as a user runs it on the seed gateway.conf.
final class SimulateCLITests: XCTestCase {
    private var seed: String { TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path }

    func testExitCodesFollowTheVerdict() throws {
        let common = ["simulate", seed, "--client-address", "203.0.113.9", "--helo", "mx.example.net", "--from", "a@example.net"]
        let relay = try TestSupport.gatewayctl(common + ["--to", "x@example.org"])
        XCTAssertEqual(relay.status, 1, relay.stderr)
        XCTAssertTrue(relay.stdout.contains("RCPT <x@example.org>: 554 5.7.1 <x@example.org>: Relay access denied\n"), relay.stdout)
        XCTAssertTrue(relay.stdout.hasSuffix("verdict: rejected\n"))

        let greylisted = try TestSupport.gatewayctl(common + ["--to", "usuario1@example.com"])
        XCTAssertEqual(greylisted.status, 3, greylisted.stdout)

        let known = try TestSupport.gatewayctl(common + ["--to", "usuario1@example.com", "--greylist-known"])
        XCTAssertEqual(known.status, 0, known.stdout)
        XCTAssertTrue(known.stdout.contains("not evaluated (needs DNS"), known.stdout)
    }

    func testJSONCarriesReplyTraceAndNotEvaluated() throws {
        let r = try TestSupport.gatewayctl(["simulate", seed, "--client-address", "192.168.40.2", "--helo", "mail.example.com",
                                            "--from", "u@example.com", "--to", "x@example.org", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["outcome"] as? String, "accepted")
        let verdict = try XCTUnwrap((json["verdicts"] as? [[String: Any]])?.first)
        XCTAssertEqual((verdict["reply"] as? [String: Any])?["code"] as? Int, 250)
        XCTAssertFalse((verdict["trace"] as? [Any] ?? []).isEmpty)
    }

    func testBatchPrintsOneLinePerTransaction() throws {
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let batch = dir.appendingPathComponent("t.batch")
        try Data("""
            client=203.0.113.9 helo=mx.example.net from=a@example.net to=x@example.org
            client=203.0.113.9 helo=mx.example.net from=<> to=usuario1@example.com greylist=known
            """.utf8).write(to: batch)
        let r = try TestSupport.gatewayctl(["simulate", seed, "--batch", batch.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines.first, "line 1: rejected: RCPT <x@example.org>: 554 5.7.1 <x@example.org>: Relay access denied")
        XCTAssertTrue(lines.last?.hasPrefix("line 2: accepted: RCPT <usuario1@example.com>: 250 2.1.5 Ok") ?? false, r.stdout)
    }

    func testUsageAndUnreadableInput() throws {
        XCTAssertEqual(try TestSupport.gatewayctl(["simulate", seed, "--client-address", "nope", "--helo", "x",
                                                   "--from", "a@b", "--to", "c@d"]).status, 64)
        XCTAssertEqual(try TestSupport.gatewayctl(["simulate", "/nonexistent/gateway.conf", "--client-address", "192.0.2.1",
                                                   "--helo", "x", "--from", "a@b", "--to", "c@d"]).status, 2)
        XCTAssertEqual(try TestSupport.gatewayctl(["simulate", "--postfix", "/nonexistent", "--client-address", "192.0.2.1",
                                                   "--no-helo", "--from", "<>", "--to", "c@d"]).status, 2)
    }
}
