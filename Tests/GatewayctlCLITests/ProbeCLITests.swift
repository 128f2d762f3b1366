import Foundation
import TestSupport
import XCTest

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
