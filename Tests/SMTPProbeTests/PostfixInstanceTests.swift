@testable import SMTPProbe
import TestSupport
import XCTest

/// The real-daemon harness itself: a private Postfix, smtp-sink and postgrey on loopback.
final class PostfixInstanceTests: XCTestCase {
    func testOutsiderRelayingThroughRejectUnauthDestinationGets554() throws {
        let postfix = try PostfixInstance(overrides: [
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        ])
        defer { postfix.stop() }

        let outsider = try postfix.session(clientAddress: "203.0.113.9", clientName: "mx.example.net")
        XCTAssertEqual(try outsider.mail(from: "someone@example.net").code, 250)
        let reply = try outsider.rcpt(to: "victim@example.org")
        XCTAssertEqual(reply.code, 554, postfix.log())
        XCTAssertEqual(reply.enhancedStatus, "5.7.1")
        XCTAssertEqual(reply.text, "<victim@example.org>: Relay access denied")
        outsider.quit()

        // The same relay from the one trusted address (mynetworks) is allowed.
        let trusted = try postfix.session(clientAddress: "192.0.2.25")
        XCTAssertEqual(try trusted.mail(from: "someone@example.net").code, 250)
        XCTAssertEqual(try trusted.rcpt(to: "victim@example.org").code, 250)
        trusted.quit()
    }

    func testDefaultsAtCompatibilityLevel36DeferTheRelay() throws {
        let postfix = try PostfixInstance()
        defer { postfix.stop() }
        let smtp = try postfix.session(clientAddress: "203.0.113.9")
        _ = try smtp.mail(from: "")
        let reply = try smtp.rcpt(to: "victim@example.org")
        XCTAssertEqual(reply.description, "454 4.7.1 <victim@example.org>: Relay access denied")
        smtp.quit()
        XCTAssertFalse(postfix.mainCF.isEmpty)
        XCTAssertTrue(postfix.masterCF.contains("127.0.0.1:\(postfix.port) inet"))
    }

    func testPostgreyGreylistsTheFirstAttempt() throws {
        let postgrey = try TestSupport.startPostgrey()
        defer { postgrey.stop() }
        let postfix = try PostfixInstance(overrides: [
            "relay_domains": "example.com",
            "smtpd_recipient_restrictions":
                "reject_unauth_destination, check_policy_service inet:127.0.0.1:\(postgrey.port)",
        ])
        defer { postfix.stop() }
        let smtp = try postfix.session(clientAddress: "203.0.113.9", clientName: "mx.example.net")
        _ = try smtp.mail(from: "a@example.net")
        let reply = try smtp.rcpt(to: "user@example.com")
        XCTAssertEqual(reply.code, 450, postfix.log() + postgrey.log)
        XCTAssertEqual(reply.enhancedStatus, "4.2.0")
        XCTAssertTrue(reply.text.hasPrefix("<user@example.com>: Recipient address rejected: Greylisted"), reply.text)
        smtp.quit()
    }

    func testSMTPSinkAcceptsAnything() throws {
        let sink = try TestSupport.startSMTPSink()
        defer { sink.stop() }
        let smtp = try SMTPConnection(host: "127.0.0.1", port: sink.port, commandTimeout: .seconds(10))
        XCTAssertEqual(try smtp.readReply().code, 220)
        XCTAssertEqual(try smtp.greet(as: "probe.test").reply.code, 250)
        XCTAssertEqual(try smtp.mail(from: "a@example.net").code, 250)
        XCTAssertEqual(try smtp.rcpt(to: "b@example.org").code, 250)
        smtp.quit()
    }

    func testMasterCFRewriteMovesEveryInetServiceToLoopback() throws {
        let text = """
            smtp inet n - y - - smtpd
            192.168.40.5:10025 inet n - - - - smtpd
              -o content_filter=
            pickup unix n - y 60 1 pickup
            """
        let (out, ports) = try PostfixInstance.rewriteMasterCF(text, smtpPort: 2525)
        XCTAssertTrue(out.contains("127.0.0.1:2525 inet n - n - - smtpd"), out)
        let reinject = try XCTUnwrap(ports["192.168.40.5:10025"])
        XCTAssertTrue(out.contains("127.0.0.1:\(reinject) inet n - n - - smtpd\n  -o content_filter="), out)
        XCTAssertTrue(out.contains("pickup unix n - n 60 1 pickup"), out)
        XCTAssertTrue(out.contains("postlog unix-dgram n - n - 1 postlogd"), out)
    }
}
