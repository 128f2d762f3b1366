import Foundation
import XCTest
import TestSupport

/// `gatewayctl lint` in CI: rules disabled per run or per repository, severity overrides, paths
/// relative to the repository root, a summary that says what was linted, the exit status in
/// JSON, and big tables folded into one finding.
final class LintCIOptionsTests: XCTestCase {
    var repo: URL!

    override func setUpWithError() throws {
        repo = try TestSupport.makeTempDir("lint-ci")
        // A repository root as `git init` leaves it (only `.git` is looked at).
        try FileManager.default.createDirectory(at: repo.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("mx/etc/postfix"), withIntermediateDirectories: true)
        try write("mx/etc/postfix/main.cf", """
            compatibility_level = 3.6
            smtpd_use_tls = yes
            smtpd_recipient_restrictions = reject_unauth_destination,
                reject_rbl_client list.dsbl.org

            """)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: repo)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: repo.appendingPathComponent(name))
    }

    func lint(_ args: [String], cwd: URL? = nil) throws -> ProcessResult {
        try TestSupport.gatewayctl(["lint"] + args, cwd: cwd ?? repo)
    }

    func testDisableEnableAndSeverityOnTheCommandLine() throws {
        let plain = try lint(["mx"])
        XCTAssertEqual(plain.status, 0, plain.stdout + plain.stderr)
        XCTAssertTrue(plain.stdout.contains("[GW3007 obsolete-parameter]"), plain.stdout)
        XCTAssertTrue(plain.stdout.contains("[GW5005 dead-dnsbl]"), plain.stdout)

        let disabled = try lint(["mx", "--disable", "obsolete-parameter", "--disable", "GW5005"])
        XCTAssertFalse(disabled.stdout.contains("GW3007"), disabled.stdout)
        XCTAssertFalse(disabled.stdout.contains("GW5005"), disabled.stdout)

        let raised = try lint(["mx", "--severity", "dead-dnsbl=error"])
        XCTAssertEqual(raised.status, 1, raised.stdout)
        XCTAssertTrue(raised.stdout.contains("error: `list.dsbl.org` is a dead blocklist"), raised.stdout)

        let typo = try lint(["mx", "--disable", "dead-dnsbll"])
        XCTAssertEqual(typo.status, 64, typo.stderr)
        XCTAssertTrue(typo.stderr.contains("did you mean `dead-dnsbl`?"), typo.stderr)
        let badLevel = try lint(["mx", "--severity", "dead-dnsbl=fatal"])
        XCTAssertEqual(badLevel.status, 64, badLevel.stderr)
    }

    func testRepositoryFileIsFoundUpToTheRootAndTheCommandLineWins() throws {
        try write(".gatewayctl.ini", """
            # CI policy for this repository
            [rules]
            disable = obsolete-parameter
            [severity]
            GW5005 = error

            """)
        // Linted from a subdirectory: the file two levels up is found.
        let r = try lint(["etc/postfix"], cwd: repo.appendingPathComponent("mx"))
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertFalse(r.stdout.contains("GW3007"), r.stdout)
        XCTAssertTrue(r.stdout.contains("error: `list.dsbl.org`"), r.stdout)

        let back = try lint(["mx", "--enable", "obsolete-parameter", "--severity", "GW5005=warning"])
        XCTAssertEqual(back.status, 0, back.stdout)
        XCTAssertTrue(back.stdout.contains("GW3007"), back.stdout)

        let ignored = try lint(["mx", "--no-config"])
        XCTAssertTrue(ignored.stdout.contains("GW3007"), ignored.stdout)

        // A file above the repository root is not this repository's.
        let outer = repo.deletingLastPathComponent().appendingPathComponent(".gatewayctl")
        XCTAssertFalse(FileManager.default.fileExists(atPath: outer.path))

        try write(".gatewayctl.ini", "[rules]\ndisable = no-such-rule\n")
        let bad = try lint(["mx"])
        XCTAssertEqual(bad.status, 2, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stderr.contains(".gatewayctl.ini:2:1: `no-such-rule` is not a rule"), bad.stderr)
    }

    func testSARIFAndGitHubPathsAreRelativeToTheRepositoryRoot() throws {
        let sub = repo.appendingPathComponent("mx")
        let sarif = try lint(["--format", "sarif", sub.path], cwd: sub)
        let doc = try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any]
        let runs = doc?["runs"] as? [[String: Any]] ?? []
        let results = runs.first?["results"] as? [[String: Any]] ?? []
        let uris = results.compactMap { r -> String? in
            let loc = (r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            return (loc?["artifactLocation"] as? [String: Any])?["uri"] as? String
        }
        XCTAssertFalse(uris.isEmpty, sarif.stdout)
        XCTAssertEqual(Set(uris), ["mx/etc/postfix/main.cf"])
        let invocation = (runs.first?["invocations"] as? [[String: Any]])?.first
        XCTAssertEqual(invocation?["exitCode"] as? Int, 0)

        let github = try lint(["--format", "github", "etc/postfix"], cwd: sub)
        XCTAssertTrue(github.stdout.contains("file=mx/etc/postfix/main.cf,"), github.stdout)
        let based = try lint(["--format", "github", "--base-dir", sub.path, "etc/postfix"], cwd: sub)
        XCTAssertTrue(based.stdout.contains("file=etc/postfix/main.cf,"), based.stdout)
    }

    func testSummarySaysWhatWasLintedAndJSONHasTheExitStatus() throws {
        let clean = repo.appendingPathComponent("clean")
        try FileManager.default.createDirectory(at: clean, withIntermediateDirectories: true)
        try write("clean/master.cf", "smtp inet n - y - - smtpd\n")
        let r = try lint(["clean"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "0 errors, 0 warnings, 0 info; linted clean (master.cf; no main.cf)\n")

        let json = try lint(["--format", "json", "--severity", "dead-dnsbl=error", "mx"])
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let summary = doc?["summary"] as? [String: Any]
        XCTAssertEqual(summary?["exitStatus"] as? Int, 1)
        XCTAssertEqual(json.status, 1)
        XCTAssertEqual(summary?["linted"] as? [String], ["mx/etc/postfix (main.cf)"])
    }

    func testBigTableFoldsIntoOneFindingPerRule() throws {
        var text = ""
        for k in 0..<500 { text += "spammer\(k % 40).example REJECT\n" }
        try write("mx/etc/postfix/senders", text)
        try write("mx/etc/postfix/main.cf", """
            compatibility_level = 3.6
            smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/senders

            """)
        let r = try lint(["mx"])
        let lines = r.stdout.split(separator: "\n").filter { $0.contains("[GW4001 map-source-warning]") }
        XCTAssertEqual(lines.count, 1, r.stdout)
        XCTAssertTrue(lines.first?.contains("460 findings of this rule for `mx/etc/postfix/senders`") ?? false, r.stdout)
        XCTAssertTrue(r.stdout.contains("457 more like these are not shown"), r.stdout)
    }
}
