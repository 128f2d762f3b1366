import Foundation
import XCTest
import TestSupport

/// Issue 10 items 11 and 12: a HELO pattern Postfix cannot compile, and braces postconf would
/// misread in text that becomes main.cf, are findings of `check` at their column, and `build`
/// refuses them; what `build` does emit keeps postconf silent.
final class TextValueSafetyTests: XCTestCase {
    let minimal = """
        [gateway]
        hostname = mx.example.org
        domain = example.org

        [relay]
        domains = example.org
        mail-server = mail.example.org
        trusted = 192.0.2.10/32

        [recipients]
        alice@example.org

        """

    func write(_ text: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("a.conf").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The reproductions: `/(/` and `/x{99999}/` as HELO patterns.
    func testInvalidHeloRegexIsAFindingAndBuildRefuses() throws {
        let dir = try TestSupport.makeTempDir("helo-regex")
        defer { try? FileManager.default.removeItem(at: dir) }
        // The column is where PCRE2 says the error is (its offset in the pattern).
        for (pattern, column, words) in [("/(/", 3, "missing closing parenthesis"),
                                         ("/x{99999}/", 9, "too big")] {
            let conf = try write(minimal + "\n[helo]\n/^ok\\.example$/ = REJECT fine\n\(pattern) = REJECT bad\n", in: dir)
            let check = try TestSupport.gatewayctl(["check", conf])
            XCTAssertEqual(check.status, 1, pattern + ": " + check.stdout)
            XCTAssertTrue(check.stdout.hasPrefix("\(conf):15:\(column): error: Postfix cannot use this HELO pattern"),
                          pattern + ": " + check.stdout)
            XCTAssertTrue(check.stdout.contains(words), pattern + ": " + check.stdout)
            let out = dir.appendingPathComponent("out-\(column)")
            let build = try TestSupport.gatewayctl(["build", conf, "--out", out.path])
            XCTAssertEqual(build.status, 1, pattern + ": " + build.stdout + build.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("etc").path), pattern)
        }
    }

    /// Unbalanced braces in the banner and the local message: a finding at the brace.
    func testUnbalancedBracesInTextAreFindingsAtTheBrace() throws {
        let dir = try TestSupport.makeTempDir("braces")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, String, Int, String)] = [
            ("[gateway]\nbanner = mx.example.org ESMTP { ready\n", "banner", 31, "missing"),
            ("[gateway]\nbanner = mx.example.org ESMTP {ready}now\n", "banner", 37, "after `}`"),
            ("[local]\ndelivery = off\nmessage = Local delivery {off\n", "message", 26, "missing"),
        ]
        for (section, name, column, words) in cases {
            var text = minimal
            text = text.replacingOccurrences(of: "[gateway]\nhostname", with: section.hasPrefix("[gateway]")
                ? section + "hostname" : "[gateway]\nhostname")
            if !section.hasPrefix("[gateway]") { text += "\n" + section }
            let conf = try write(text, in: dir)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = lines.firstIndex { $0.hasPrefix(name + " =") }! + 1
            let check = try TestSupport.gatewayctl(["check", conf])
            XCTAssertEqual(check.status, 1, name + ": " + check.stdout)
            XCTAssertTrue(check.stdout.hasPrefix("\(conf):\(line):\(column): error:"), name + ": " + check.stdout)
            XCTAssertTrue(check.stdout.contains(words), name + ": " + check.stdout)
            let build = try TestSupport.gatewayctl(["build", conf, "--out", dir.appendingPathComponent("out").path])
            XCTAssertEqual(build.status, 1, name + ": " + build.stdout + build.stderr)
        }
    }

    /// Braces postconf accepts (a whole group, a brace inside a word, a lone `}`) are built, and
    /// `postconf -c` on the built tree prints no warning at all.
    func testBuiltTreeWithBracesKeepsPostconfSilent() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let dir = try TestSupport.makeTempDir("braces-built")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = minimal.replacingOccurrences(of: "[gateway]\n", with: "[gateway]\nbanner = mx.example.org ESMTP {ready} x{y z} }\n")
            + "\n[local]\ndelivery = off\nmessage = Local delivery is off } {see postmaster}\n"
        let conf = try write(text, in: dir)
        let out = dir.appendingPathComponent("out")
        let build = try TestSupport.gatewayctl(["build", conf, "--out", out.path, "--set", "gateway.platform=debian"])
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let config = out.appendingPathComponent("etc/postfix").path
        for args in [["-n"], ["-x", "smtpd_banner", "local_transport"]] {
            let r = try TestSupport.run(postconf, ["-c", config] + args)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stderr, "", "postconf \(args): \(r.stderr)")
        }
        let banner = try TestSupport.run(postconf, ["-c", config, "-h", "smtpd_banner"])
        XCTAssertEqual(banner.stdout, "mx.example.org ESMTP {ready} x{y z} }\n")
    }
}
