import Foundation
@testable import SMTPProbe
import TestSupport
import XCTest

/// A real Postfix 3.7, started as root from the Debian tree `gatewayctl build` emits for the
/// seed example (tables compiled by MapBuilder, not postmap), answers the tutorial's probes.
///
/// Switched off for this run, and why: `[dnsbl]` and `known-domain` (DNS lookups to the
/// Internet), `[policyd-weight]` (DNS-based scoring), `[greylisting]` (would defer the good
/// message) and `[content-filter]` (amavisd-new is not started here). Every other restriction
/// runs as emitted. The inside mail server is `smtp-sink` on a loopback port (`--set
/// relay.mail-server=127.0.0.1:PORT`, hence `gateway.loopback=yes`); `PostfixInstance` moves smtpd to a loopback port and
/// allows XCLIENT so each probe can pose as the client it needs.
final class BuildEndToEndTests: XCTestCase {
    static let switchedOff: Set<String> = ["dnsbl", "greylisting", "policyd-weight", "content-filter"]

    /// The seed without the sections above (except those in `keeping`) and without `known-domain`.
    static func offlineSeed(keeping: Set<String> = []) throws -> String {
        let seed = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf"),
                              encoding: .utf8)
        var out: [Substring] = []
        var skipping = false
        for line in seed.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("[") { skipping = switchedOff.subtracting(keeping).contains(String(line.dropFirst().dropLast())) }
            if skipping || line.hasPrefix("known-domain") { continue }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    func testEmittedDebianGatewayAnswersTheTutorialsProbes() throws {
        try probeEmittedGateway(tableType: "hash")
    }

    /// The same gateway with `table-type = lmdb`: every table MapBuilder wrote as `.lmdb`, named
    /// `lmdb:` in main.cf (with `default_database_type = lmdb`), answers as the hash build does.
    func testEmittedLMDBGatewayAnswersTheTutorialsProbes() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let conf = try TestSupport.makeTempDir("gatewayctl-e2e-m")
        defer { try? FileManager.default.removeItem(at: conf) }
        try Data().write(to: conf.appendingPathComponent("main.cf"))
        let types = try TestSupport.run(postconf, ["-c", conf.path, "-m"]).stdout
        XCTAssertTrue(types.split(separator: "\n").contains("lmdb"), "Postfix has no lmdb tables: install postfix-lmdb")
        try probeEmittedGateway(tableType: "lmdb")
    }

    func probeEmittedGateway(tableType: String) throws {
        _ = try TestSupport.requireTool("postfix", package: "postfix")
        let sinkTool = try TestSupport.requireTool("smtp-sink", package: "postfix")
        let work = try TestSupport.makeTempDir("gatewayctl-e2e")
        defer { try? FileManager.default.removeItem(at: work) }
        let dumps = work.appendingPathComponent("sink")
        try FileManager.default.createDirectory(at: dumps, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dumps.path)
        let sink = try TestDaemon(name: "smtp-sink", executable: sinkTool) { port, _ in
            ["-u", "nobody", "-D", dumps.appendingPathComponent("mail").path, "127.0.0.1:\(port)", "64"]
        }
        defer { sink.stop() }

        let config = work.appendingPathComponent("gateway.conf")
        try Data(Self.offlineSeed().utf8).write(to: config)
        let out = work.appendingPathComponent("out")
        let built = try TestSupport.gatewayctl(["build", config.path, "--out", out.path,
                                                "--set", "gateway.platform=debian", "--set", "gateway.postfix=3.7",
                                                "--set", "gateway.loopback=yes", "--set", "gateway.table-type=\(tableType)",
                                                "--set", "relay.mail-server=127.0.0.1:\(sink.port)"])
        guard built.status == 0 else { return XCTFail("build failed: \(built.stdout)\(built.stderr)") }

        let etc = out.appendingPathComponent("etc/postfix")
        func read(_ name: String) throws -> String { try String(contentsOf: etc.appendingPathComponent(name), encoding: .utf8) }
        var sources: [String: String] = [:]
        for name in ["relay_recipients", "transport", "virtual_alias_maps", "access_clients", "sender_access", "helo_checks"] {
            sources[name] = try read(name)
        }
        let postfix = try PostfixInstance(mainCF: try read("main.cf"), masterCF: try read("master.cf"),
                                          files: sources, configDirectoryAlias: "/etc/postfix")
        defer { postfix.stop() }
        // MapBuilder's tables, copied in before the first smtpd starts (smtpd opens them per process).
        let suffix = tableType == "hash" ? ".db" : "." + tableType
        XCTAssertTrue(try read("main.cf").contains("relay_recipient_maps = \(tableType):/etc/postfix/relay_recipients"))
        for name in ["relay_recipients", "transport", "virtual_alias_maps", "access_clients", "sender_access"] {
            let target = postfix.configDirectory.appendingPathComponent(name + suffix)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: etc.appendingPathComponent(name + suffix), to: target)
        }

        let outsider = "198.51.100.7", outsiderName = "mx.example.net"
        func session(helo: String? = "mx.example.net", address: String = outsider, name: String? = outsiderName) throws -> SMTPConnection {
            try postfix.session(clientAddress: address, clientName: name, helo: helo)
        }
        func expect(_ reply: SMTPReply, _ code: Int, _ text: String, _ what: String,
                    file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(reply.code, code, "\(what): \(reply)\n\(postfix.log())", file: file, line: line)
            if !text.isEmpty {
                XCTAssertTrue(reply.description.contains(text), "\(what): `\(reply)` lacks `\(text)`", file: file, line: line)
            }
        }

        // Relay to a foreign domain.
        var s = try session()
        expect(try s.mail(from: "friend@example.net"), 250, "", "MAIL")
        expect(try s.rcpt(to: "victim@example.org"), 554, "Relay access denied", "relay")
        // Unknown recipient in our domain.
        expect(try s.rcpt(to: "nobody@example.com"), 550, "5.1.1", "unknown recipient")
        XCTAssertTrue(try s.rcpt(to: "nobody2@example.com").text.contains("User unknown in relay recipient table"))
        s.quit()

        // Our own domain as sender, from outside.
        s = try session()
        expect(try s.mail(from: "boss@example.com"), 250, "", "MAIL")
        expect(try s.rcpt(to: "usuario1@example.com"), 554, "Sender address rejected: No usar mi dominio en tu remitente", "spoofed sender")
        s.quit()

        // HELO with our host name, our public address, or our address literal.
        for (helo, text) in [("spam.example.com", "You are not in the server room"),
                             ("203.0.113.25", "You are not my IP"), ("[203.0.113.25]", "You are not my IP")] {
            s = try session(helo: helo)
            expect(try s.mail(from: "friend@example.net"), 250, "", "MAIL")
            expect(try s.rcpt(to: "usuario1@example.com"), 554, "Helo command rejected: \(text)", "HELO \(helo)")
            s.quit()
        }

        // A client [clients] blocks (hotmail.com matches its subdomains).
        s = try session(address: "65.55.90.171", name: "snt0-omc3-s32.snt0.hotmail.com")
        expect(try s.mail(from: "someone@hotmail.com"), 250, "", "MAIL")
        expect(try s.rcpt(to: "usuario1@example.com"), 554, "Client host rejected: Access denied", "blocked client")
        s.quit()

        // No HELO at all.
        s = try session(helo: nil)
        expect(try s.mail(from: "friend@example.net"), 503, "send HELO/EHLO first", "no HELO")
        s.quit()

        // A good message to a listed recipient reaches the inside server.
        let marker = "gatewayctl-e2e-\(UUID().uuidString)"
        s = try session()
        expect(try s.mail(from: "friend@example.net"), 250, "", "MAIL")
        expect(try s.rcpt(to: "usuario2@example.com"), 250, "", "good recipient")
        expect(try s.command("DATA"), 354, "", "DATA")
        for l in ["From: friend@example.net", "To: usuario2@example.com", "Subject: \(marker)", "", "hola"] { try s.send(l) }
        expect(try s.command("."), 250, "queued", "end of data")
        s.quit()
        let dump = dumps.appendingPathComponent("mail")
        var delivered = false
        for _ in 0..<300 where !delivered {
            delivered = ((try? String(contentsOf: dump, encoding: .utf8)) ?? "").contains(marker)
            if !delivered { usleep(100_000) }
        }
        XCTAssertTrue(delivered, "message did not reach smtp-sink\n\(postfix.log())")
    }
}
