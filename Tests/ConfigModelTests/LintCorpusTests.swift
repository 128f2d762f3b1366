import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import Diagnostics
@testable import PostfixConfig
@testable import Lint

/// Real-world configurations lint without a crash and without an open-relay false positive:
/// Debian's shipped Postfix, ClamAV and amavisd-new files, and the tutorial's final setup.
/// clamconf is the oracle for ClamAV option findings.
final class LintCorpusTests: XCTestCase {
    static let fixtures = TestSupport.packageRoot.appendingPathComponent("Tests/ConfigModelTests/Fixtures")
    static let golden = TestSupport.packageRoot.appendingPathComponent("Tests/ConfigModelTests/Golden")

    func lint(_ paths: [String], version: PostfixVersion? = nil) -> [Diagnostic] {
        LintTarget.resolve(paths, version: version).configs.flatMap { PostfixLinter.lint($0) }
    }

    func requireFile(_ path: String, package: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            if TestSupport.inCI { XCTFail("`\(path)` missing: install `\(package)`") }
            throw XCTSkip("`\(path)` missing: install `\(package)`")
        }
    }

    func testDebianShippedPostfixFilesHaveNoErrors() throws {
        let dist = "/usr/share/postfix/main.cf.dist", debian = "/usr/share/postfix/main.cf.debian"
        let masterDist = "/usr/share/postfix/master.cf.dist", master = "/etc/postfix/master.cf"
        for p in [dist, debian, masterDist, master] { try requireFile(p, package: "postfix") }
        for (main, mastercf) in [(dist, masterDist), (debian, master), (debian, masterDist)] {
            let dir = try TestSupport.makeTempDir("corpus")
            defer { try? FileManager.default.removeItem(at: dir) }
            try FileManager.default.copyItem(atPath: main, toPath: dir.appendingPathComponent("main.cf").path)
            try FileManager.default.copyItem(atPath: mastercf, toPath: dir.appendingPathComponent("master.cf").path)
            let found = lint([dir.path])
            XCTAssertEqual(found.filter { $0.severity == .error }.map { "\($0.id) \($0.message)" }, [],
                           "\(main) + \(mastercf)")
        }
        // The files linted in place, as a user would point at them.
        XCTAssertFalse(lint([dist]).contains { $0.id == "GW2001" })
    }

    func testDebianClamAVFilesAgreeWithClamconf() throws {
        let clamconf = try TestSupport.requireTool("clamconf", package: "clamav")
        var dirs = ["/etc/clamav"]
        let samples = TestSupport.makeTempDirOrNil()
        if let samples {
            for (src, name) in [("/usr/share/doc/clamav-daemon/examples/clamd.conf.sample", "clamd.conf"),
                                ("/usr/share/doc/clamav-freshclam/examples/freshclam.conf.sample", "freshclam.conf")]
            where FileManager.default.fileExists(atPath: src) {
                try FileManager.default.copyItem(atPath: src, toPath: samples.appendingPathComponent(name).path)
            }
            dirs.append(samples.path)
        }
        defer { if let samples { try? FileManager.default.removeItem(at: samples) } }
        dirs.append(Self.fixtures.appendingPathComponent("tutorial/usr/local/etc").path)
        for dir in dirs where FileManager.default.fileExists(atPath: PostfixConfigSet.joinPath(dir, "clamd.conf")) {
            let found = lint([dir])
            let oracle = try TestSupport.run(clamconf, ["-c", dir]).stdout + ""
            let theirsDeprecated = Set(oracle.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("*** "), line.hasSuffix(" is DEPRECATED ***") else { return nil }
                return String(line.dropFirst(4).dropLast(" is DEPRECATED ***".count))
            })
            let ours = Set(found.filter { $0.id == "GW5011" }.compactMap { $0.message.split(separator: "`").first.map(String.init) })
            XCTAssertEqual(ours, theirsDeprecated, dir)
            let theirsUnknown = oracle.contains("Unknown option")
            XCTAssertEqual(found.contains { $0.id == "GW5010" }, theirsUnknown, dir)
        }
    }

    func testAmavisShippedConfigurationLints() throws {
        try requireFile("/etc/amavis/conf.d/20-debian_defaults", package: "amavisd-new")
        let found = lint(["/etc/amavis/conf.d"])
        // The stock stack leaves `$virus_scanners_failure_is_fatal` unset: viruses pass when clamd
        // fails (issue 11). That, and nothing else, is an error.
        XCTAssertTrue(found.contains { $0.id == "GW5007" }, "the stock amavis stack fails open")
        XCTAssertFalse(found.contains { $0.severity == .error && $0.id != "GW5007" }, found.map(\.message).joined(separator: "\n"))
        // amavis wired to a Debian Postfix the way README.postfix says.
        let dir = try TestSupport.makeTempDir("corpus-amavis")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "compatibility_level = 3.6\ncontent_filter = smtp-amavis:[127.0.0.1]:10024\n"
            .write(to: dir.appendingPathComponent("main.cf"), atomically: true, encoding: .utf8)
        try """
            smtp inet n - y - - smtpd
            smtp-amavis unix - - n - 2 smtp
            127.0.0.1:10025 inet n - n - - smtpd
              -o content_filter=
              -o receive_override_options=no_header_body_checks,no_unknown_recipient_checks,no_milters
              -o mynetworks=127.0.0.0/8
            """.write(to: dir.appendingPathComponent("master.cf"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("amavis"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/etc/amavis/conf.d", toPath: dir.appendingPathComponent("amavis/conf.d").path)
        XCTAssertEqual(lint([dir.path]).filter { $0.id == "GW5002" || ($0.severity == .error && $0.id != "GW5007") }.map(\.message), [])
    }

    /// The tutorial's final configuration, maps built by the real postmap: no open relay, and
    /// exactly the findings in the golden file (its real mistakes: old HELO names, the
    /// unescaped dot in "You are not my IP", Spamhaus without a reply filter, ...).
    func testTutorialFinalConfigurationMatchesGolden() throws {
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let dir = try TestSupport.makeTempDir("corpus-tutorial")
        defer { try? FileManager.default.removeItem(at: dir) }
        let tree = dir.appendingPathComponent("tutorial")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("tutorial"), to: tree)
        let etc = tree.appendingPathComponent("usr/local/etc/postfix")
        // postmap reads a main.cf; give it an empty one (the tutorial's names FreeBSD paths).
        let neutral = dir.appendingPathComponent("postmap-conf")
        try FileManager.default.createDirectory(at: neutral, withIntermediateDirectories: true)
        try Data().write(to: neutral.appendingPathComponent("main.cf"))
        for map in ["aliases", "relay_recipients", "transport", "no_usar_mi_dominio"] {
            let r = try TestSupport.run(postmap, ["-c", neutral.path, "hash:" + etc.appendingPathComponent(map).path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let found = lint([tree.path])
        XCTAssertFalse(found.contains { $0.id == "GW2001" || $0.id == "GW2002" }, "open-relay false positive")
        let text = Reporter.render(found, format: .text).replacingOccurrences(of: tree.path + "/", with: "")
        let golden = Self.golden.appendingPathComponent("lint-tutorial.txt")
        if ProcessInfo.processInfo.environment["GATEWAYCTL_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try text.write(to: golden, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(text, try String(contentsOf: golden, encoding: .utf8))
    }
}

extension TestSupport {
    static func makeTempDirOrNil() -> URL? { try? makeTempDir("corpus-samples") }
}
