import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `gatewayctl probe` as a user runs it, against daemons on loopback.
final class ProbeCLITests: XCTestCase {
    func testSinkIsReportedAsOpenRelayWithExit1() throws {
        let sink = try TestSupport.startSMTPSink()
        defer { sink.stop() }
        let result = try TestSupport.gatewayctl(["probe", "127.0.0.1:\(sink.port)", "--timeout", "5"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("trick 1: relayed: MAIL FROM:<> RCPT TO:<relaytest@example.org> -> 250 2.1.5 Ok"),
                      result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("open relay: 18 of 18 tricks accepted\n"), result.stdout)
    }

    func testSafePostfixExits0AndJSONCarriesEveryReply() throws {
        let postfix = try PostfixInstance(overrides: [
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        ])
        defer { postfix.stop() }
        let result = try TestSupport.gatewayctl(["probe", "127.0.0.1:\(postfix.port)", "--format", "json",
                                                 "--domain", "example.net"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["relayAccepted"] as? Bool, false)
        let tricks = try XCTUnwrap(json["tricks"] as? [[String: Any]])
        XCTAssertEqual(tricks.count, 18)
        let first = try XCTUnwrap(tricks.first?["rcptReply"] as? [String: Any])
        XCTAssertEqual(first["code"] as? Int, 554)
        XCTAssertEqual(first["text"] as? String, "<relaytest@example.net>: Relay access denied")
    }

    func testUnreachableExits2AndBadTargetExits64() throws {
        let port = try TestSupport.freeLoopbackPort()
        XCTAssertEqual(try TestSupport.gatewayctl(["probe", "127.0.0.1:\(port)", "--timeout", "2"]).status, 2)
        XCTAssertEqual(try TestSupport.gatewayctl(["probe", "127.0.0.1:notaport"]).status, 64)
        XCTAssertEqual(try TestSupport.gatewayctl(["probe", "127.0.0.1", "--helo", "a b"]).status, 64)
    }
}

/// What the probe prints when the server is hostile, slow or TLS-capable.
final class ProbeHostileCLITests: XCTestCase {
    /// A server whose every reply carries ESC sequences, BEL, NUL, a C1 CSI and invalid UTF-8.
    private func evilServer() throws -> FakeSMTPServer {
        let evil: [UInt8] = Array(" \u{1B}]0;owned\u{07}\u{1B}[2J\u{00}".utf8) + [0xFF] + Array("\u{9B}31m".utf8)
        return try FakeSMTPServer(greeting: Array("220 evil.test.example".utf8) + evil + Array("\r\n".utf8)) { line in
            switch line.prefix(4).uppercased() {
            case "EHLO": return .init(bytes: Array("250-evil.test.example\r\n250 X".utf8) + evil + Array("\r\n".utf8))
            case "RCPT": return .init(bytes: Array("550 5.7.1 denied".utf8) + evil + Array("\r\n".utf8))
            case "QUIT": return .init("221 bye\r\n", then: .close)
            default: return .init("250 ok\r\n")
            }
        }
    }

    /// Bytes a terminal acts on: C0 other than newline, DEL, and C1 as UTF-8 (C2 80...C2 9F).
    private func terminalControls(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var found: [UInt8] = []
        for (i, b) in bytes.enumerated() {
            if (b < 0x20 && b != 0x0A) || b == 0x7F { found.append(b) }
            if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) { found.append(bytes[i + 1]) }
        }
        return found
    }

    func testTextOutputEscapesEveryControlByte() throws {
        let server = try evilServer()
        defer { server.stop() }
        let result = try TestSupport.gatewayctl(["probe", "127.0.0.1:\(server.port)", "--timeout", "10"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(terminalControls(result.stdout), [], result.stdout)
        XCTAssertTrue(result.stdout.hasPrefix(
            "probe 127.0.0.1:\(server.port): 220 evil.test.example \\x1b]0;owned\\x07\\x1b[2J\\x00\\xff\\u009b31m\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("-> 550 5.7.1 denied \\x1b]0;owned\\x07"), result.stdout)
        XCTAssertTrue(result.stdout.contains("STARTTLS: not offered; the tricks ran in clear text only\n"), result.stdout)
    }

    func testJSONCarriesTheBytesAsJSONEscapes() throws {
        let server = try evilServer()
        defer { server.stop() }
        let result = try TestSupport.gatewayctl(["probe", "127.0.0.1:\(server.port)", "--timeout", "10", "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(terminalControls(result.stdout.replacingOccurrences(of: "\n", with: "")), [], result.stdout)
        XCTAssertTrue(result.stdout.contains(#"\u001b]0;owned\u0007\u001b[2J\u0000\\xff\u009b31m"#), result.stdout)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let greeting = try XCTUnwrap(json["greeting"] as? [String: Any])
        XCTAssertEqual(greeting["text"] as? String, "evil.test.example \u{1B}]0;owned\u{07}\u{1B}[2J\u{00}\\xff\u{9B}31m")
        let tls = try XCTUnwrap(json["tls"] as? [String: Any])
        XCTAssertEqual(tls["status"] as? String, "not-offered")
    }

    func testASilentResolverEndsAtTheTimeout() throws {
        // A private network and mount namespace (`ip netns exec`) whose resolv.conf names
        // 127.0.0.1, where a UDP socket takes every query and never answers; the resolver is told
        // to wait 30 s per try, 5 tries. Without the bound, getaddrinfo returns after minutes with
        // "Temporary failure in name resolution"; with it, the probe stops waiting after --timeout.
        let namespace = try NetworkNamespace()
        defer { namespace.stop() }
        try Data("nameserver 127.0.0.1\noptions timeout:30 attempts:5\n".utf8)
            .write(to: URL(fileURLWithPath: "/etc/netns/\(namespace.name)/resolv.conf"))
        let silent = try namespace.entered { () throws -> Int32 in
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(53).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard fd >= 0, bound == 0 else { throw DaemonError("bind 127.0.0.1:53/udp: \(String(cString: strerror(errno)))") }
            return fd
        }
        defer { close(silent) }
        let command = namespace.wrap([TestSupport.gatewayctlPath, "probe", "mx.silent.example", "--timeout", "1"])
        let result = try TestSupport.run(command[0], Array(command.dropFirst()))
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertEqual(result.stderr,
                       "error: probe mx.silent.example: timed out waiting for the name resolution of `mx.silent.example`\n")
        // The queries did reach the silent server: the bound, not a quick failure, ended the wait.
        var pending: Int32 = 0
        XCTAssertEqual(ioctl(silent, UInt(FIONREAD), &pending), 0)
        XCTAssertGreaterThan(pending, 0)
    }

    func testSTARTTLSIsReportedInTextAndJSON() throws {
        let certificate = try TestCertificate.make(commonName: "gateway.test.example", dnsNames: ["localhost"])
        let tls = PostfixInstance.tlsSettings(certificate)
        let postfix = try PostfixInstance(overrides: tls.overrides.merging([
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        ]) { $1 }, files: tls.files)
        defer { postfix.stop() }

        let text = try TestSupport.gatewayctl(["probe", "localhost:\(postfix.port)", "--timeout", "10"])
        XCTAssertEqual(text.status, 0, text.stdout + text.stderr)
        XCTAssertTrue(text.stdout.contains("\ncertificate: subject CN=gateway.test.example, O=gatewayctl tests; issuer CN=gateway.test.example, O=gatewayctl tests\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("certificate: does not verify (self-signed certificate), matches the host"), text.stdout)
        XCTAssertTrue(text.stdout.contains("\ntrick 18 (TLS): refused: "), text.stdout)
        XCTAssertTrue(text.stdout.hasSuffix("\ninside TLS: no relay accepted: 18 of 18 tricks refused\n"), text.stdout)

        let result = try TestSupport.gatewayctl(["probe", "localhost:\(postfix.port)", "--timeout", "10", "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let object = try XCTUnwrap(json["tls"] as? [String: Any])
        XCTAssertEqual(object["status"] as? String, "negotiated")
        XCTAssertTrue(["TLSv1.2", "TLSv1.3"].contains(object["protocol"] as? String ?? ""), "\(object)")
        let cert = try XCTUnwrap(object["certificate"] as? [String: Any])
        XCTAssertEqual(cert["subjectAltNames"] as? [String], ["localhost"])
        XCTAssertEqual(cert["matchesHost"] as? Bool, true)
        XCTAssertEqual(cert["verifies"] as? Bool, false)
        XCTAssertEqual((object["tricks"] as? [[String: Any]])?.count, 18)

        let clear = try TestSupport.gatewayctl(["probe", "localhost:\(postfix.port)", "--no-starttls", "--format", "json"])
        let clearJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(clear.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((clearJSON["tls"] as? [String: Any])?["status"] as? String, "skipped")
    }
}
