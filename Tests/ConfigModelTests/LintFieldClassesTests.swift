import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import Diagnostics
@testable import PostfixConfig
@testable import Lint

/// The false-error classes of the field reports that the rule examples cannot show alone: lint
/// does not read the machine it runs on, a deployed tree still warns about a missing .db,
/// suggestions follow the target version, a big table folds into one finding.
final class LintFieldClassesTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try TestSupport.makeTempDir("lint-classes") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    func lint(version: PostfixVersion? = nil) -> (PostfixConfigSet, [Diagnostic]) {
        let config = LintTarget.resolve([dir.path], version: version).configs[0]
        return (config, PostfixLinter.lint(config))
    }

    /// /etc/passwd and /etc/hosts exist on every test machine; reading them would give regex
    /// and map-source findings, and the result would depend on the machine.
    func testTablesOutsideConfigDirectoryAreNotReadFromTheHost() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: "/etc/passwd"))
        try write("main.cf", """
            compatibility_level = 3.6
            smtpd_helo_required = yes
            alias_maps = hash:/etc/passwd
            smtpd_client_restrictions = check_client_access pcre:/etc/passwd
            smtpd_helo_restrictions = check_helo_access hash:/etc/hosts

            """)
        let (config, found) = lint()
        for (ref, table) in config.referencedTables {
            XCTAssertTrue(table.isOutsideTree, "\(ref.reference) was read: \(table.kind)")
            XCTAssertTrue(table.entries.isEmpty, ref.reference)
        }
        // No map, regex or relay finding from the host's files: only the one that says so.
        let tables = found.filter { $0.id.hasPrefix("GW4") || $0.id.hasPrefix("GW20") }
        XCTAssertEqual(tables.map(\.id), ["GW4005"], found.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(tables[0].message.hasPrefix("3 tables outside `config_directory`"), tables[0].message)
    }

    func testMissingDatabaseIsInfoInARepositoryAndAWarningInADeployedTree() throws {
        try write("main.cf", """
            compatibility_level = 3.6
            relay_domains = example.com
            relay_recipient_maps = hash:/etc/postfix/relay_recipients
            transport_maps = hash:/etc/postfix/transport

            """)
        try write("relay_recipients", "alice@example.com OK\n")
        try write("transport", "example.com smtp:[10.0.0.2]\n")
        var found = lint().1.filter { $0.id == "GW4002" }
        XCTAssertEqual(found.map(\.severity), [.info], found.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(found[0].message.contains("2 tables to build on the server"), found[0].message)

        // One table built (with the real postmap): the tree is deployed, the other one's
        // missing .db defers mail.
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let conf = try TestSupport.makeTempDir("lint-classes-pm")
        defer { try? FileManager.default.removeItem(at: conf) }
        try Data().write(to: conf.appendingPathComponent("main.cf"))
        let r = try TestSupport.run(postmap, ["-c", conf.path, "hash:" + dir.appendingPathComponent("transport").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        found = lint().1.filter { $0.id == "GW4002" }
        XCTAssertEqual(found.map(\.severity), [.warning])
        XCTAssertTrue(found.first?.message.contains("relay_recipients.db` is missing") ?? false, found.first?.message ?? "")
    }

    func testSuggestionsAndTooNewNamesFollowTheTargetVersion() throws {
        try write("main.cf", """
            postscreen_dnsbl_whitelist_threshhold = -1
            postscreen_dnsbl_allowlist_threshold = -1
            postscreen_dnsbl_ttl = 1h

            """)
        let old = lint(version: PostfixVersion(3, 4)).1.filter { $0.id == "GW3004" }
        XCTAssertEqual(old.map(\.message), [
            "unknown parameter `postscreen_dnsbl_whitelist_threshhold`; did you mean `postscreen_dnsbl_whitelist_threshold`?",
            "`postscreen_dnsbl_allowlist_threshold` does not exist in Postfix 3.4 (it appeared in 3.6); it is ignored",
        ])
        XCTAssertEqual(old.last?.fix, "write `postscreen_dnsbl_whitelist_threshold`, the name 3.4 knows")
        // 3.7 knows both names; the typo is still one.
        let new = lint(version: PostfixVersion(3, 7)).1.filter { $0.id == "GW3004" }
        XCTAssertEqual(new.count, 1)
        XCTAssertTrue(new[0].message.hasPrefix("unknown parameter `postscreen_dnsbl_whitelist_threshhold`"), new[0].message)
    }

    /// The re-injection listener is where amavis sends mail back ($forward_method), not any
    /// smtpd off port 25: the alternate port keeps its filter.
    func testAmavisReinjectionListenerComesFromForwardMethod() throws {
        try write("main.cf", "compatibility_level = 3.6\ncontent_filter = smtp-amavis:[127.0.0.1]:10024\n")
        try write("master.cf", """
            smtp inet n - y - - smtpd
            2525 inet n - y - - smtpd
            smtp-amavis unix - - n - 2 smtp
            127.0.0.1:10035 inet n - n - - smtpd
              -o content_filter=
              -o receive_override_options=no_header_body_checks,no_unknown_recipient_checks

            """)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("amavis/conf.d"), withIntermediateDirectories: true)
        try write("amavis/conf.d/50-user", "$forward_method = 'smtp:[127.0.0.1]:10035';\n$max_servers = 2;\n1;\n")
        XCTAssertEqual(lint().1.filter { $0.id == "GW5002" }.map(\.message), [])
        // amavis sending back to 10025, where nothing listens, is what the rule must say.
        try write("amavis/conf.d/50-user", "$max_servers = 2;\n1;\n")
        XCTAssertEqual(lint().1.filter { $0.id == "GW5002" }.map(\.message),
                       ["no smtpd listens on port 10025, where the filter sends mail back"])
    }
}
