@testable import ConfigModel
@testable import GatewayCompiler
@testable import Simulate
@testable import SMTPProbe
import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Acceptance of `[postscreen]` and `[tls]` on the real daemons: the seed gateway with both
/// sections, emitted for Debian/Postfix 3.7, runs in a private Postfix inside a network
/// namespace whose resolver (dnsmasq) serves the DNS lists. Clients connect from their own
/// loopback addresses (postscreen sees the real peer; XCLIENT is smtpd's, not postscreen's):
/// - 127.0.0.66 is in zen (through the DQS zone): postscreen refuses it, naming zen, never the key;
/// - 127.0.0.77 is in zen and in the DNSWL allowlist (3 - 2 < 3): it passes and its mail is queued;
/// - 127.0.0.99 talks before the greeting: postscreen refuses its recipient;
/// - 127.0.0.1 runs `swaks --tls` with a certificate made here: TLS 1.2 or 1.3, and the queued
///   message's Received header says so, and `probe` (STARTTLS) reports that certificate.
/// Once it runs, `postconf -n`, `postconf -M` and `postfix check` must print nothing, nor may
/// the maillog hold a warning at the end.
/// policyd-weight and postgrey are removed from the lists (as in `DNSDifferentialTests`).
final class PostscreenAcceptanceTests: XCTestCase {
    static let dqsKey = "acceptancetestkey0123456789"

    static let sections = """

        [postscreen]
        threshold = 3
        dqs-key = \(dqsKey)
        zen.spamhaus.org = 127.0.0.[2..11]*3
        list.dnswl.org = 127.0.[0..255].[1..3]*-2

        [tls]
        certificate = CERT
        key = KEY
        inside = may

        """

    static let fixture = DNSDifferentialTests.fixture + """

        \(dqsKey).zen.dq.spamhaus.net LISTED 127.0.0.66 127.0.0.2
        \(dqsKey).zen.dq.spamhaus.net LISTED 127.0.0.77 127.0.0.4
        list.dnswl.org LISTED 127.0.0.77 127.0.10.2
        """

    func testSeedWithPostscreenAndTLSOnRealPostfix() throws {
        let swaks = try TestSupport.requireTool("swaks", package: "swaks")
        let postcat = try TestSupport.requireTool("postcat", package: "postfix")
        let postfixTool = try TestSupport.requireTool("postfix", package: "postfix")
        let work = try TestSupport.makeTempDir("gatewayctl-postscreen")
        defer { try? FileManager.default.removeItem(at: work) }

        // A self-signed certificate for the gateway's name (openssl); the key readable by root only.
        let certificate = try TestCertificate.make(commonName: "spam.example.com")
        let cert = work.appendingPathComponent("cert.pem").path, key = work.appendingPathComponent("key.pem").path
        try Data(certificate.certificatePEM.utf8).write(to: URL(fileURLWithPath: cert))
        try Data(certificate.keyPEM.utf8).write(to: URL(fileURLWithPath: key))
        chmod(key, 0o600)

        let seed = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf"),
                              encoding: .utf8)
        let conf = work.appendingPathComponent("gateway.conf")
        try Data((seed + Self.sections.replacingOccurrences(of: "CERT", with: cert)
            .replacingOccurrences(of: "KEY", with: key)).utf8).write(to: conf)
        let loaded = GatewayLoader.load(path: conf.path, overrides: ["gateway.platform=debian", "gateway.postfix=3.7"])
        guard let document = loaded.document else { return XCTFail("did not parse: \(loaded.diagnostics)") }
        let tree = try GatewayEmitter.emit(document.gateway)
        let postfixDir = "/etc/postfix"
        guard let main = tree.file(absolute: postfixDir + "/main.cf"), let master = tree.file(absolute: postfixDir + "/master.cf") else {
            return XCTFail("no main.cf/master.cf")
        }
        XCTAssertTrue(master.contents.contains("postscreen\n") && master.contents.contains("smtpd       pass"))
        XCTAssertFalse(main.contents.contains("reject_rbl_client zen.spamhaus.org"), "smtpd must not ask zen again")
        // The policy services are not running here; their entries go, as in DNSDifferentialTests.
        let mainCF = main.contents.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("inet:192.168.40.3:12525") && !$0.contains("inet:192.168.40.3:10023") }
            .joined(separator: "\n")
        var files: [String: String] = [:]
        var hashMaps: [String] = []
        for f in tree.files where f.absolutePath.hasPrefix(postfixDir + "/") {
            let name = String(f.absolutePath.dropFirst(postfixDir.count + 1))
            guard name != "main.cf", name != "master.cf" else { continue }
            files[name] = f.contents
            if f.map?.kind == .hash { hashMaps.append(name) }
        }
        XCTAssertNotNil(files["postscreen_dnsbl_reply"], "the DQS reply map is emitted")

        let (fixture, problems) = DNSFixture.parse(Self.fixture, file: "fixture")
        XCTAssertEqual(problems.count, 0)
        let namespace = try NetworkNamespace()
        defer { namespace.stop() }
        let dns = try DNSServer(in: namespace, records: DNSDifferentialTests.dnsmasqRecords(fixture))
        defer { dns.stop() }
        let postfix = try PostfixInstance(mainCF: mainCF, masterCF: master.contents, files: files, hashMaps: hashMaps,
                                          configDirectoryAlias: postfixDir, namespace: namespace)
        defer { postfix.stop() }

        // The configuration as it runs: no word from postconf or postfix check.
        let n = try postfix.postconf(["-n"])
        XCTAssertEqual(n.stderr, "", "postconf -n warned")
        let m = try postfix.postconf(["-M"])
        XCTAssertEqual(m.stderr, "", "postconf -M warned")
        let check = try TestSupport.run(postfixTool, ["-c", postfix.configDirectory.path, "check"])
        XCTAssertEqual(check.status, 0)
        XCTAssertEqual(check.stdout + check.stderr, "", "postfix check warned")

        func swaksFrom(_ address: String, _ extra: [String] = []) throws -> ProcessResult {
            let command = namespace.wrap([swaks, "--server", "127.0.0.1:\(postfix.port)", "--local-interface", address,
                                          "--helo", "mx.example.net", "--from", "a@example.net",
                                          "--to", "usuario1@example.com", "--timeout", "60"] + extra)
            return try TestSupport.run(command[0], Array(command.dropFirst()))
        }

        // Listed in zen: postscreen's reply names the public zone, never the DQS key.
        let listed = try swaksFrom("127.0.0.66", ["--quit-after", "RCPT"])
        XCTAssertTrue(listed.stdout.contains("550 5.7.1 Service unavailable; client [127.0.0.66] blocked using zen.spamhaus.org"),
                      listed.stdout + postfix.log())
        XCTAssertFalse(listed.stdout.contains(Self.dqsKey), "the DQS key leaked into a reply")

        // Listed in zen and in the allowlist: below the threshold, handed to smtpd, queued.
        let allowed = try swaksFrom("127.0.0.77")
        XCTAssertTrue(allowed.stdout.contains("250 2.0.0 Ok: queued as"), allowed.stdout + postfix.log())

        // Talks before the greeting: postscreen lets it go on, then refuses the recipient.
        let pregreet = try namespace.entered {
            try Self.talkFirst(from: "127.0.0.99", port: postfix.port,
                               lines: ["EHLO mx.example.net", "MAIL FROM:<a@example.net>", "RCPT TO:<usuario1@example.com>", "QUIT"])
        }
        XCTAssertTrue(pregreet.contains("550 5.5.1 Protocol error"), pregreet + postfix.log())
        XCTAssertTrue(postfix.log().contains("PREGREET"), postfix.log())

        // STARTTLS with the certificate made above; the Received header records the protocol.
        let tls = try swaksFrom("127.0.0.1", ["--tls"])
        XCTAssertTrue(tls.stdout.range(of: "TLS started with cipher TLSv1\\.[23]", options: .regularExpression) != nil,
                      tls.stdout + postfix.log())
        guard let idRange = tls.stdout.range(of: "queued as [0-9A-F]+", options: .regularExpression) else {
            return XCTFail("not queued: \(tls.stdout)")
        }
        let queueID = String(tls.stdout[idRange].dropFirst("queued as ".count))
        var message = ""
        // The queue manager may be moving the file between queues; postcat finds it in any.
        for _ in 0..<5 where !message.contains("Received:") {
            message = try TestSupport.run(postcat, ["-c", postfix.configDirectory.path, "-q", queueID]).stdout
        }
        XCTAssertTrue(message.range(of: "\\(using TLSv1\\.[23] with cipher", options: .regularExpression) != nil, message)
        // probe through postscreen: STARTTLS reports the certificate made above; no trick relays.
        let report = try namespace.entered {
            try RelayProbe.run(RelayProbeOptions(host: "127.0.0.1", port: postfix.port, helo: "probe.test.example",
                                                 domain: "example.org", commandTimeout: .seconds(20),
                                                 totalTimeout: .seconds(300), starttls: true))
        }
        guard case let .negotiated(info) = report.tls else { return XCTFail("\(report.tls)\n\(postfix.log())") }
        XCTAssertTrue(["TLSv1.2", "TLSv1.3"].contains(info.protocolVersion), info.protocolVersion)
        XCTAssertEqual(info.certificate?.subject, "CN=spam.example.com, O=gatewayctl tests")
        XCTAssertFalse(report.relayAccepted)

        // postscreen, dnsblog, tlsproxy and smtpd ran the whole matrix without a complaint.
        // cleanup's clock-skew notice ("file system clock is N seconds ahead") is about the test
        // machine's file system, not the configuration; every other warning fails the test.
        let warnings = postfix.log().split(separator: "\n").filter {
            $0.contains("warning:") && !$0.contains("file system clock is") && !$0.contains("resetting file time stamps")
        }
        XCTAssertEqual(warnings, [], postfix.log())
    }

    /// Connects from `source`, writes every line at once before reading anything (a bot that
    /// does not wait for the greeting), then reads until the server closes.
    static func talkFirst(from source: String, port: UInt16, lines: [String]) throws -> String {
        let fd = try TestSupport.connectLoopback(from: source, port: port)
        defer { close(fd) }
        let text = Array(lines.map { $0 + "\r\n" }.joined().utf8)
        guard text.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == text.count else {
            throw DaemonError("short write")
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
