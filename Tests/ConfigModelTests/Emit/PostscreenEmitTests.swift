import Foundation
import TestSupport
import XCTest
@testable import ConfigModel
@testable import GatewayCompiler

/// `[postscreen]` and `[tls]`: what the parser accepts and refuses, what the emitters write for
/// each target, and that Postfix reads the FreeBSD/2.8 variant without a word.
final class PostscreenEmitTests: XCTestCase {
    static let seedPath = TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path

    private func parse(_ extra: String, _ overrides: [String] = []) throws -> (GatewayDocument?, [String]) {
        let seed = try String(contentsOfFile: Self.seedPath, encoding: .utf8)
        let (doc, diags) = GatewayParser.parse(text: seed + extra, file: "gateway.conf", overrides: overrides)
        return (doc, diags.filter { $0.severity == .error }.map { "\($0.span.line): \($0.message)" })
    }

    private func tree(_ extra: String, _ overrides: [String] = []) throws -> EmittedTree {
        let (doc, errors) = try parse(extra, overrides)
        guard let doc else { throw DaemonError("did not parse: \(errors)") }
        return try GatewayEmitter.emit(doc.gateway)
    }

    static let full = """

        [postscreen]
        threshold = 3
        dqs-key = abcdefgh12345678
        allow = 198.51.100.0/24
        zen.spamhaus.org = 127.0.0.[2..11]*3
        list.dnswl.org = 127.0.[0..255].[0..1]*-2, 127.0.[0..255].[2..3]*-4

        [tls]
        certificate = /usr/local/etc/ssl/gw.pem
        key = /usr/local/etc/ssl/gw.key
        inside = verify
        inside-ca = /usr/local/etc/ssl/inside-ca.pem

        """

    func testTheSeedStaysWithoutPostscreen() throws {
        let t = try tree("")
        let master = try XCTUnwrap(t.file("usr/local/etc/postfix/master.cf")).contents
        XCTAssertFalse(master.contains("postscreen"))
        XCTAssertTrue(try XCTUnwrap(t.file("usr/local/etc/postfix/main.cf")).contents.contains("reject_rbl_client zen.spamhaus.org"))
    }

    func testEmptySectionAsksTheDNSBLZonesAndSmtpdStopsAskingThem() throws {
        let t = try tree("\n[postscreen]\n")
        let main = try XCTUnwrap(t.file("usr/local/etc/postfix/main.cf")).contents
        XCTAssertTrue(main.contains("    zen.spamhaus.org=127.0.0.[2..11]*3\n"), main)
        XCTAssertFalse(main.contains("    reject_rbl_client "), "postscreen asked zen; smtpd must not ask again")
        XCTAssertTrue(main.contains("postscreen_cache_map = hash:$data_directory/postscreen_cache"))
        let master = try XCTUnwrap(t.file("usr/local/etc/postfix/master.cf")).contents
        for row in ["smtp        inet  n       -       n       -       1       postscreen",
                    "smtpd       pass  -       -       n       -       -       smtpd",
                    "dnsblog     unix  -       -       n       -       0       dnsblog",
                    "tlsproxy    unix  -       -       n       -       0       tlsproxy"] {
            XCTAssertTrue(master.contains(row + "\n"), row)
        }
        XCTAssertFalse(master.contains("smtp        inet  n       -       n       -       -       smtpd"))
        // `ignore` only logs: smtpd keeps its own reject_rbl_client.
        let ignoring = try tree("\n[postscreen]\ndnsbl-action = ignore\n")
        XCTAssertTrue(try XCTUnwrap(ignoring.file("usr/local/etc/postfix/main.cf")).contents.contains("    reject_rbl_client zen.spamhaus.org"))
        // `enabled = no` is the tutorial's smtpd again.
        XCTAssertEqual(try tree("\n[postscreen]\nenabled = no\n"), try tree(""))
    }

    func testDQSKeyStaysOutOfReplies() throws {
        let t = try tree(Self.full)
        let main = try XCTUnwrap(t.file("usr/local/etc/postfix/main.cf")).contents
        XCTAssertTrue(main.contains("    abcdefgh12345678.zen.dq.spamhaus.net=127.0.0.[2..11]*3,\n"), main)
        XCTAssertTrue(main.contains("    list.dnswl.org=127.0.[0..255].[0..1]*-2,\n    list.dnswl.org=127.0.[0..255].[2..3]*-4\n"), main)
        XCTAssertTrue(main.contains("postscreen_dnsbl_reply_map = texthash:/usr/local/etc/postfix/postscreen_dnsbl_reply\n"))
        XCTAssertEqual(try XCTUnwrap(t.file("usr/local/etc/postfix/postscreen_dnsbl_reply")).contents.split(separator: "\n").last,
                       "abcdefgh12345678.zen.dq.spamhaus.net zen.spamhaus.org")
        XCTAssertTrue(main.contains("postscreen_access_list = permit_mynetworks, cidr:/usr/local/etc/postfix/postscreen_access.cidr\n"))
        XCTAssertTrue(try XCTUnwrap(t.file("usr/local/etc/postfix/postscreen_access.cidr")).contents.hasSuffix("198.51.100.0/24 permit\n"))
    }

    func testTLSNamesFollowTheTarget() throws {
        let old = try XCTUnwrap(tree(Self.full).file("usr/local/etc/postfix/main.cf")).contents
        XCTAssertTrue(old.contains("smtpd_tls_security_level = may\n"))
        XCTAssertTrue(old.contains("smtpd_tls_protocols = !SSLv2, !SSLv3\n"), "2.8 has no `>=` protocol syntax")
        XCTAssertTrue(old.contains("smtpd_tls_received_header = yes\n"))
        XCTAssertTrue(old.contains("smtp_tls_CAfile = /usr/local/etc/ssl/inside-ca.pem\n"))
        XCTAssertFalse(old.contains("smtpd_use_tls"))
        let new = try XCTUnwrap(tree(Self.full, ["gateway.platform=debian", "gateway.postfix=3.7"]).file("etc/postfix/main.cf")).contents
        XCTAssertTrue(new.contains("smtpd_tls_protocols = >=TLSv1\n"))
        let policy = try XCTUnwrap(tree(Self.full).file("usr/local/etc/postfix/tls_policy"))
        XCTAssertEqual(policy.map?.kind, .hash)
        XCTAssertTrue(policy.contents.hasSuffix("[mail.example.com] verify\n"))
    }

    func testBadValuesAreRefusedWithTheirLine() throws {
        for (extra, expected) in [
            ("\n[postscreen]\nzen.spamhaus.org*3\n", "`zen.spamhaus.org` has no reply filter"),
            ("\n[postscreen]\nbl.example.net = 127.0.0.2*x\n", "is not a site weight"),
            ("\n[postscreen]\nbl.example.net*0\n", "is not a site weight"),
            ("\n[postscreen]\npregreet-action = enfroce\n", "`pregreet-action` must be `enforce`, `drop` or `ignore`"),
            ("\n[postscreen]\ndqs-key = not a key\n", "`dqs-key` must be 8 to 64 letters and digits"),
            ("\n[tls]\ncertificate = /c.pem\nkey = /k.pem\ninside = verify\n", "`inside = verify` needs `inside-ca`"),
            ("\n[tls]\ncertificate = c.pem\nkey = /k.pem\n", "must be absolute"),
            ("\n[tls]\nkey = /k.pem\n", "missing required key `certificate`"),
        ] {
            let (doc, errors) = try parse(extra)
            XCTAssertNil(doc, extra)
            XCTAssertTrue(errors.contains { $0.contains(expected) }, "\(extra): \(errors)")
            XCTAssertTrue(errors.allSatisfy { !$0.hasPrefix("0:") }, "every error has its line: \(errors)")
        }
    }

    /// The FreeBSD/2.8 tree with both sections, its package paths dropped (they do not exist
    /// here): postconf and `postfix check` say nothing. A misspelt name makes postconf speak.
    func testPostfixAcceptsTheFreeBSDTreeWithPostscreenAndTLS() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let postfix = try TestSupport.requireTool("postfix", package: "postfix")
        let dir = try TestSupport.makeTempDir("gatewayctl-ps28")
        defer { try? FileManager.default.removeItem(at: dir) }
        let prefix = "/usr/local/etc/postfix/"
        let packaging = Set(PlatformPaths.forPlatform(.freebsd).postfixDirectories.map(\.name))
        for f in try tree(Self.full).files where f.absolutePath.hasPrefix(prefix) {
            var text = f.contents.replacingOccurrences(of: "/usr/local/etc/postfix", with: dir.path)
            if f.absolutePath.hasSuffix("/main.cf") {
                text = text.split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { line in !packaging.contains { line.hasPrefix($0 + " = ") } }.joined(separator: "\n")
            }
            try Data(text.utf8).write(to: dir.appendingPathComponent(String(f.absolutePath.dropFirst(prefix.count))))
        }
        let n = try TestSupport.run(postconf, ["-c", dir.path, "-n"])
        XCTAssertEqual(n.stderr, "", "postconf -n warned")
        XCTAssertTrue(n.stdout.contains("postscreen_dnsbl_sites = "))
        let m = try TestSupport.run(postconf, ["-c", dir.path, "-M"])
        XCTAssertEqual(m.stderr, "")
        XCTAssertTrue(m.stdout.contains("postscreen"))
        let check = try TestSupport.run(postfix, ["-c", dir.path, "check"])
        XCTAssertEqual(check.stderr + check.stdout, "", "postfix check warned")

        try Data("postscreen_dnsbl_treshold = 3\n".utf8).append(to: dir.appendingPathComponent("main.cf"))
        XCTAssertTrue(try TestSupport.run(postconf, ["-c", dir.path, "-n"]).stderr.contains("unused parameter"))
    }
}
