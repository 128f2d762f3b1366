@testable import SMTPProbe
import TestSupport
import XCTest

/// Servers that misbehave on purpose (`FakeSMTPServer`): control bytes, a dripped greeting,
/// STARTTLS answered with garbage.
final class HostileServerTests: XCTestCase {
    /// Answers every command 250, RCPT 550, STARTTLS as `starttls` says.
    private static func polite(starttls: FakeSMTPServer.Response? = nil) -> @Sendable (String) -> FakeSMTPServer.Response {
        { line in
            let verb = line.prefix { $0 != " " && $0 != ":" }.uppercased()
            switch verb {
            case "EHLO": return .init("250-fake.test.example\r\n" + (starttls == nil ? "" : "250-STARTTLS\r\n") + "250 8BITMIME\r\n")
            case "STARTTLS": return starttls ?? .init("502 5.5.1 no\r\n")
            case "RCPT": return .init("550 5.7.1 no relay\r\n")
            case "QUIT": return .init("221 bye\r\n", then: .close)
            default: return .init("250 2.0.0 ok\r\n")
            }
        }
    }

    func testAGreetingDrippedAByteAtATimeIsCutAtTheStepTimeout() throws {
        // 40 bytes at 150 ms: the whole line arrives after 6 s. Each byte comes well within the
        // step timeout of 1 s, so only a bound on the whole reply stops it; the total deadline
        // (an hour) is not what ends it.
        let greeting = Array(("220 " + String(repeating: "x", count: 34) + "\r\n").utf8)
        let server = try FakeSMTPServer(greeting: greeting, dripInterval: .milliseconds(150), respond: Self.polite())
        defer { server.stop() }
        let options = RelayProbeOptions(host: "127.0.0.1", port: server.port, commandTimeout: .seconds(1),
                                        totalTimeout: .seconds(3600))
        XCTAssertThrowsError(try RelayProbe.run(options)) { error in
            XCTAssertEqual(error as? SMTPError, .timeout(waitingFor: "the greeting"))
        }
    }

    func testControlBytesAndInvalidUTF8ArriveIntactAndPrintEscaped() throws {
        let greeting: [UInt8] = Array("220 fake.test.example \u{1B}]0;owned\u{07}\u{00} ".utf8) + [0xFF, 0xC3] + Array(" \u{9B}2J ok\r\n".utf8)
        let server = try FakeSMTPServer(greeting: greeting, respond: Self.polite())
        defer { server.stop() }
        let smtp = try SMTPConnection(host: "127.0.0.1", port: server.port, commandTimeout: .seconds(10))
        defer { smtp.close() }
        let reply = try smtp.readReply()
        XCTAssertEqual(reply.text, "fake.test.example \u{1B}]0;owned\u{07}\u{00} \\xff\\xc3 \u{9B}2J ok")
        XCTAssertEqual(PrintableText.escaped(reply.text), "fake.test.example \\x1b]0;owned\\x07\\x00 \\xff\\xc3 \\u009b2J ok")
        XCTAssertEqual(PrintableText.escaped("tab\there\u{7F} \u{202E}evil"), "tab\\x09here\\x7f \\u202eevil")
        XCTAssertEqual(PrintableText.escaped("Grüße 🙂"), "Grüße 🙂")
    }

    func testDecodingKeepsEveryByte() {
        XCTAssertEqual(SMTPConnection.decode([0x61, 0xE2, 0x82, 0x62]), "a\\xe2\\x82b")
        XCTAssertEqual(SMTPConnection.decode(Array("é".utf8) + [0xC0, 0x80]), "é\\xc0\\x80")
        XCTAssertEqual(SMTPConnection.decode([]), "")
    }

    func testFailedTLSNegotiationIsReportedAndTheClearTextBatteryStands() throws {
        let garbage = FakeSMTPServer.Response("220 2.0.0 go ahead\r\n",
                                              then: .answerNextBytes(Array("this is not TLS\r\n".utf8)))
        let server = try FakeSMTPServer(greeting: Array("220 fake.test.example ESMTP\r\n".utf8),
                                        respond: Self.polite(starttls: garbage))
        defer { server.stop() }
        let report = try RelayProbe.run(RelayProbeOptions(host: "127.0.0.1", port: server.port,
                                                          commandTimeout: .seconds(10), totalTimeout: .seconds(120)))
        guard case let .failed(reason) = report.tls else { return XCTFail("\(report.tls)") }
        XCTAssertTrue(reason.hasPrefix("TLS: "), reason)
        XCTAssertEqual(report.results.map(\.outcome), Array(repeating: .refused, count: 18))
        XCTAssertEqual(report.tlsResults, [])
    }

    func testSTARTTLSRefusedIsReported() throws {
        let server = try FakeSMTPServer(greeting: Array("220 fake.test.example ESMTP\r\n".utf8),
                                        respond: Self.polite(starttls: .init("454 4.7.0 TLS not available\r\n")))
        defer { server.stop() }
        let report = try RelayProbe.run(RelayProbeOptions(host: "127.0.0.1", port: server.port,
                                                          commandTimeout: .seconds(10), totalTimeout: .seconds(120)))
        XCTAssertEqual(report.tls, .failed("TLS: STARTTLS answered `454 4.7.0 TLS not available`"))
        XCTAssertEqual(report.results.count, 18)
    }
}
