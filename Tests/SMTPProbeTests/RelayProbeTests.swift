@testable import SMTPProbe
import TestSupport
import XCTest

/// The relay battery against real servers on loopback.
final class RelayProbeTests: XCTestCase {
    private func probe(port: UInt16) throws -> RelayProbeReport {
        try RelayProbe.run(RelayProbeOptions(host: "127.0.0.1", port: port, helo: "probe.test.example",
                                             domain: "example.org", commandTimeout: .seconds(10),
                                             totalTimeout: .seconds(60)))
    }

    func testBatteryHasEighteenDistinctTricks() {
        let target = RelayTarget(serverName: "mx.example.com", serverAddress: "192.0.2.1", domain: "example.org")
        let tricks = RelayTrick.battery(for: target)
        XCTAssertEqual(tricks.count, 18)
        XCTAssertEqual(Set(tricks.map { $0.mailCommand + " " + $0.rcptCommand }).count, 18)
        XCTAssertEqual(tricks[0].mailCommand, "MAIL FROM:<>")
        XCTAssertEqual(tricks[4].rcptCommand, "RCPT TO:<relaytest%example.org@[192.0.2.1]>")
        XCTAssertEqual(tricks[9].rcptCommand, "RCPT TO:<\"relaytest@example.org\"@[192.0.2.1]>")
        XCTAssertEqual(tricks[12].rcptCommand, "RCPT TO:<@mx.example.com:relaytest@example.org>")
        XCTAssertEqual(tricks[15].rcptCommand, "RCPT TO:<example.org!relaytest@mx.example.com>")
        XCTAssertEqual(tricks[16].rcptCommand, "RCPT TO:\"relaytest%example.org\"")
        XCTAssertEqual(tricks[17].rcptCommand, "RCPT TO:<relaytest@example.org@>")
        let v6 = RelayTrick.battery(for: RelayTarget(serverName: "mx", serverAddress: "::1", domain: "example.org"))
        XCTAssertEqual(v6[3].mailCommand, "MAIL FROM:<relaytest@[IPv6:::1]>")
    }

    func testFindsTheRelayOfAPostfixThatTrustsEveryone() throws {
        // The classic: mynetworks covering the Internet, so permit_mynetworks opens the relay.
        let postfix = try PostfixInstance(overrides: ["mynetworks": "0.0.0.0/0"])
        defer { postfix.stop() }
        let report = try probe(port: postfix.port)
        XCTAssertTrue(report.relayAccepted, postfix.log())
        let trick2 = try XCTUnwrap(report.results.first { $0.trick.number == 2 })
        XCTAssertEqual(trick2.outcome, .relayed)
        XCTAssertEqual(trick2.rcptReply?.description, "250 2.1.5 Ok")
    }

    func testFindsNoRelayInADefaultPostfix() throws {
        let postfix = try PostfixInstance(overrides: [
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        ])
        defer { postfix.stop() }
        let report = try probe(port: postfix.port)
        XCTAssertEqual(report.results.count, 18)
        XCTAssertFalse(report.relayAccepted, report.results.map { "\($0.trick.number) \($0.rcptReply?.description ?? "-")" }.joined(separator: "\n"))
        XCTAssertEqual(report.results.filter { $0.outcome == .failed }, [])
        let trick1 = try XCTUnwrap(report.results.first)
        XCTAssertEqual(trick1.rcptReply?.description, "554 5.7.1 <relaytest@example.org>: Relay access denied")
        XCTAssertEqual(report.target.serverName, "gateway.test.example")
        XCTAssertEqual(report.target.serverAddress, "127.0.0.1")
    }

    func testSMTPSinkAcceptsEveryTrick() throws {
        let sink = try TestSupport.startSMTPSink()
        defer { sink.stop() }
        let report = try probe(port: sink.port)
        XCTAssertEqual(report.results.map(\.outcome), Array(repeating: .relayed, count: 18))
    }

    func testUnreachableServerThrows() throws {
        let port = try TestSupport.freeLoopbackPort()
        XCTAssertThrowsError(try probe(port: port)) { error in
            guard case SMTPError.connect = error else { return XCTFail("\(error)") }
        }
    }
}
