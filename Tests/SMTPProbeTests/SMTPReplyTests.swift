@testable import SMTPProbe
import XCTest

final class SMTPReplyTests: XCTestCase {
    func testSplitsEnhancedStatusOnlyWhenItMatchesTheCodeClass() {
        XCTAssertEqual(SMTPReply.splitEnhanced("5.7.1 <a@b>: Relay access denied", code: 554).0, "5.7.1")
        XCTAssertEqual(SMTPReply.splitEnhanced("5.7.1 <a@b>: Relay access denied", code: 554).1, "<a@b>: Relay access denied")
        XCTAssertNil(SMTPReply.splitEnhanced("4.7.1 text", code: 554).0)
        XCTAssertNil(SMTPReply.splitEnhanced("gateway.example ESMTP", code: 220).0)
        XCTAssertNil(SMTPReply.splitEnhanced("1.2.3.4 is blocked", code: 554).0)
    }

    func testDescriptionIsTheFirstLineAsSent() {
        let reply = SMTPReply(code: 450, enhancedStatus: "4.2.0", lines: ["<u@example.com>: Greylisted"])
        XCTAssertEqual(reply.description, "450 4.2.0 <u@example.com>: Greylisted")
        XCTAssertTrue(reply.isTransient)
    }
}
