import Foundation
import SMTPProbe
import TestSupport
import XCTest

/// Issue 10 item 6: `[recipients] JÖRG@example.org`. On Postfix 3.x (SMTPUTF8 on at the
/// compatibility level main.cf sets) postmap stores `jörg@example.org` and smtpd casefolds every
/// lookup, so the table `build` writes, `simulate` and a real smtpd must all find every case
/// form; before 3.0 such a key cannot work and `check`/`build` refuse it at its column.
final class NonASCIIRecipientTests: XCTestCase {
    let conf = """
        [gateway]
        hostname = mx.example.org
        domain = example.org

        [relay]
        domains = example.org
        mail-server = mail.example.org
        trusted = 192.0.2.10/32

        [recipients]
        alice@example.org
        JÖRG@example.org
        straße@example.org

        """
    let forms = ["JÖRG@example.org", "jörg@example.org", "Jörg@Example.ORG", "STRASSE@example.org", "Straße@example.org"]

    func testBuildCheckSimulateAndSmtpdAgree() throws {
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let dir = try TestSupport.makeTempDir("non-ascii")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.conf").path
        try conf.write(toFile: path, atomically: true, encoding: .utf8)

        let check = try TestSupport.gatewayctl(["check", path])
        XCTAssertEqual(check.status, 0, check.stdout)
        let out = dir.appendingPathComponent("out")
        let build = try TestSupport.gatewayctl(["build", path, "--out", out.path, "--set", "gateway.platform=debian"])
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let postfixDir = out.appendingPathComponent("etc/postfix")
        let table = postfixDir.appendingPathComponent("relay_recipients").path

        // The built main.cf turns SMTPUTF8 on, as the table was built for.
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        XCTAssertEqual(try TestSupport.run(postconf, ["-c", postfixDir.path, "-x", "-h", "smtputf8_enable"]).stdout, "yes\n")

        // Our .db holds exactly what postmap (smtputf8_enable = yes) makes of the same source.
        let ours = try TestSupport.run(postmap, ["-c", postfixDir.path, "-s", "hash:" + table])
        let reference = dir.appendingPathComponent("reference")
        try FileManager.default.createDirectory(at: reference, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: table, toPath: reference.appendingPathComponent("relay_recipients").path)
        try FileManager.default.copyItem(atPath: postfixDir.appendingPathComponent("main.cf").path,
                                         toPath: reference.appendingPathComponent("main.cf").path)
        let refTable = reference.appendingPathComponent("relay_recipients").path
        XCTAssertEqual(try TestSupport.run(postmap, ["-c", reference.path, "hash:" + refTable]).status, 0)
        let theirs = try TestSupport.run(postmap, ["-c", reference.path, "-s", "hash:" + refTable])
        XCTAssertEqual(Set(ours.stdout.split(separator: "\n")), Set(theirs.stdout.split(separator: "\n")))
        XCTAssertTrue(ours.stdout.contains("jörg@example.org\tOK"), ours.stdout)

        for form in forms + ["nobody@example.org"] {
            let found = form != "nobody@example.org"
            // postmap -q folds the query as smtpd does.
            let q = try TestSupport.run(postmap, ["-c", postfixDir.path, "-q", form, "hash:" + table])
            XCTAssertEqual(q.status, found ? 0 : 1, "postmap -q \(form)")
            let sim = try TestSupport.gatewayctl(["simulate", path, "--client-address", "203.0.113.9",
                                                  "--helo", "mx.example.net", "--from", "a@example.net", "--to", form])
            XCTAssertTrue(sim.stdout.contains(found ? ": 250 " : ": 550 "), "simulate \(form): \(sim.stdout)")
            let simBuilt = try TestSupport.gatewayctl(["simulate", "--postfix", postfixDir.path, "--client-address",
                                                       "203.0.113.9", "--helo", "mx.example.net", "--from",
                                                       "a@example.net", "--to", form])
            XCTAssertTrue(simBuilt.stdout.contains(found ? ": 250 " : ": 550 "), "simulate --postfix \(form): \(simBuilt.stdout)")
        }

        // A real smtpd with our table as relay_recipient_maps (smtputf8_enable = yes, as built).
        let postfix = try PostfixInstance(overrides: [
            "max_use": "1",
            "relay_domains": "example.org",
            "relay_recipient_maps": "hash:$config_directory/relay_recipients",
            "smtpd_recipient_restrictions": "reject_unauth_destination",
            "smtputf8_enable": "yes",
        ])
        defer { postfix.stop() }
        let target = postfix.configDirectory.appendingPathComponent("relay_recipients")
        try FileManager.default.copyItem(atPath: table, toPath: target.path)
        try FileManager.default.copyItem(atPath: table + ".db", toPath: target.path + ".db")
        let smtp = try postfix.session(clientAddress: "203.0.113.9", helo: "mx.example.net")
        XCTAssertEqual(try smtp.mail(from: "a@example.net").code, 250)
        for form in forms {
            XCTAssertEqual(try smtp.rcpt(to: form).code, 250, "smtpd RCPT \(form)\n" + postfix.log())
        }
        XCTAssertEqual(try smtp.rcpt(to: "nobody@example.org").code, 550, postfix.log())
    }

    /// Postfix 2.11 has no SMTPUTF8: the recipient is refused at its column, nothing is built.
    func testOldTargetRefusesTheKeyAtItsColumn() throws {
        let dir = try TestSupport.makeTempDir("non-ascii-old")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.conf").path
        try conf.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try TestSupport.gatewayctl(["check", path, "--set", "gateway.postfix=2.11"])
        XCTAssertEqual(check.status, 1, check.stdout)
        XCTAssertTrue(check.stdout.hasPrefix("\(path):12:2: error: a non-ASCII address cannot be a key for Postfix 2.11"),
                      check.stdout)
        let out = dir.appendingPathComponent("out")
        let build = try TestSupport.gatewayctl(["build", path, "--out", out.path, "--set", "gateway.postfix=2.11"])
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("etc").path))
    }
}
