import Foundation
import XCTest
import TestSupport

/// `gatewayctl lint` as users run it: formats, exit statuses, suppressions, versions.
final class LintCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try TestSupport.makeTempDir("lint-cli")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    func openRelay(suppressed: Bool = false) throws {
        try write("main.cf", """
            compatibility_level = 3.6
            smtpd_helo_required = yes
            \(suppressed ? "# gatewayctl: disable=open-relay partner relays through us, firewall limits who reaches port 25\n" : "")\
            smtpd_relay_restrictions = permit_mynetworks,
                check_helo_access hash:/etc/postfix/helo_access,
                reject_unauth_destination

            """)
        try write("helo_access", "partner.example.org OK\n")
        try postmap("helo_access")
    }

    /// Builds NAME.db with the real postmap, so the map is what Postfix would read.
    func postmap(_ name: String) throws {
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let conf = dir.appendingPathComponent("pm")
        try FileManager.default.createDirectory(at: conf, withIntermediateDirectories: true)
        try Data().write(to: conf.appendingPathComponent("main.cf"))
        let r = try TestSupport.run(postmap, ["-c", conf.path, "hash:" + dir.appendingPathComponent(name).path])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testOpenRelayIsAnErrorWithTheMapLineAndTheTrigger() throws {
        try openRelay()
        let r = try TestSupport.gatewayctl(["lint", dir.path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("main.cf:4:5: error: `check_helo_access hash:/etc/postfix/helo_access` lets any client relay: `HELO partner.example.org`"), r.stdout)
        XCTAssertTrue(r.stdout.contains("helo_access:1:1: note: `partner.example.org` maps to `OK`, which permits"), r.stdout)
        XCTAssertTrue(r.stdout.contains("[GW2001 open-relay]"), r.stdout)
    }

    func testJSONAndSARIFAndGitHubFormats() throws {
        try openRelay()
        let json = try TestSupport.gatewayctl(["lint", "--format", "json", dir.path])
        XCTAssertEqual(json.status, 1)
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let diags = doc?["diagnostics"] as? [[String: Any]] ?? []
        XCTAssertEqual(diags.first?["id"] as? String, "GW2001")
        XCTAssertEqual(diags.first?["rule"] as? String, "open-relay")
        XCTAssertEqual(diags.first?["line"] as? Int, 4)
        XCTAssertEqual((diags.first?["notes"] as? [[String: Any]])?.first?["line"] as? Int, 1)
        let sarif = try TestSupport.gatewayctl(["lint", "--format", "sarif", dir.path])
        let s = try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(s?["version"] as? String, "2.1.0")
        let github = try TestSupport.gatewayctl(["lint", "--format", "github", dir.path])
        XCTAssertTrue(github.stdout.contains("::error file="), github.stdout)
    }

    func testSuppressionSilencesAndUnusedOnesAreReported() throws {
        try openRelay(suppressed: true)
        let r = try TestSupport.gatewayctl(["lint", dir.path])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertFalse(r.stdout.contains("GW2001"), r.stdout)
        try write("helo_access", "partner.example.org DUNNO\n")
        try postmap("helo_access")
        let stale = try TestSupport.gatewayctl(["lint", dir.path])
        XCTAssertEqual(stale.status, 0)
        XCTAssertTrue(stale.stdout.contains("main.cf:3:1: warning: suppression of `open-relay` matches no finding [GW3003 unused-suppression]"), stale.stdout)
        XCTAssertEqual(try TestSupport.gatewayctl(["lint", "--strict", dir.path]).status, 1)
    }

    func testTargetVersionDecidesNames() throws {
        try write("main.cf", "smtpd_recipient_restrictions = permit_mynetworks, defer_unauth_destination\n")
        XCTAssertFalse(try TestSupport.gatewayctl(["lint", dir.path]).stdout.contains("GW2010"))
        let old = try TestSupport.gatewayctl(["lint", "--postfix-version", "2.8", dir.path])
        XCTAssertTrue(old.stdout.contains("`defer_unauth_destination` is not known to Postfix 2.8"), old.stdout)
        XCTAssertEqual(old.status, 1)
    }

    func testExitStatusesForCleanUnreadableAndUsage() throws {
        try write("main.cf", "compatibility_level = 3.6\nmynetworks = 127.0.0.0/8\n")
        let clean = try TestSupport.gatewayctl(["lint", dir.path])
        XCTAssertEqual(clean.status, 0, clean.stdout)
        let missing = try TestSupport.gatewayctl(["lint", dir.appendingPathComponent("nope").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot read"), missing.stderr)
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let nothing = try TestSupport.gatewayctl(["lint", empty.path])
        XCTAssertEqual(nothing.status, 2)
        XCTAssertTrue(nothing.stderr.contains("no main.cf, master.cf, clamd.conf or freshclam.conf"), nothing.stderr)
        XCTAssertEqual(try TestSupport.gatewayctl(["lint", "--postfix-version", "banana", dir.path]).status, 64)
        XCTAssertEqual(try TestSupport.gatewayctl(["lint"]).status, 64)
    }

    func testGarbageInputDoesNotCrash() throws {
        var bytes = [UInt8](repeating: 0, count: 4096)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
        try Data(bytes).write(to: dir.appendingPathComponent("main.cf"))
        try Data(bytes.reversed()).write(to: dir.appendingPathComponent("master.cf"))
        try Data(bytes).write(to: dir.appendingPathComponent("clamd.conf"))
        let r = try TestSupport.gatewayctl(["lint", dir.path])
        XCTAssertTrue([0, 1].contains(r.status), "status \(r.status): \(r.stderr)")
    }

    /// `check` proves the compiled gateway closed with the same analysis: the seed example is
    /// clean on both platforms and both target versions.
    func testCheckRunsThePostfixRulesOnTheEmittedSeed() throws {
        let seed = TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path
        for platform in ["freebsd", "debian"] {
            for version in ["2.8", "3.7"] {
                let r = try TestSupport.gatewayctl(["check", seed, "--set", "gateway.platform=\(platform)",
                                                    "--set", "gateway.postfix=\(version)"])
                XCTAssertEqual(r.status, 0, "\(platform) \(version): \(r.stdout)")
                XCTAssertFalse(r.stdout.contains("GW2"), "\(platform) \(version): \(r.stdout)")
            }
        }
    }

    /// The same directive works in gateway.conf for `check`.
    func testSuppressionInGatewayConf() throws {
        let broken = TestSupport.packageRoot.appendingPathComponent("examples/broken/unescaped-dot.conf")
        var text = try String(contentsOf: broken, encoding: .utf8)
        XCTAssertEqual(try TestSupport.gatewayctl(["check", broken.path]).stdout.contains("GW4101"), true)
        text = text.replacingOccurrences(of: "# the tutorial's pattern: the first dot is not escaped",
                                         with: "# gatewayctl: disable=unescaped-dot-in-helo-pattern kept as the tutorial wrote it")
        try write("gateway.conf", text)
        let r = try TestSupport.gatewayctl(["check", dir.appendingPathComponent("gateway.conf").path])
        XCTAssertFalse(r.stdout.contains("GW4101"), r.stdout)
        XCTAssertFalse(r.stdout.contains("GW3003"), r.stdout)
    }
}
