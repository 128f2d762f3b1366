import Foundation
@testable import MapBuilder
@testable import SMTPProbe
import TestSupport
import XCTest

/// A real Postfix smtpd answers RCPT from an access table MapBuilder wrote (bulk-sorted path:
/// tuned fill factor, 64 KiB pages, bucket-ordered inserts), folding and NUL style included.
final class RealPostfixReadsTableTests: XCTestCase {
    func testSmtpdUsesOurAccessTable() throws {
        var source = """
            usuario1@example.com OK
            spammer@example.com  REJECT go away
            example.com          550 5.1.1 no such user here

            """
        for i in 0..<25_000 { source += "filler\(i)@example.net OK\n" }
        // max_use = 1: the smtpd that answered the harness's readiness probe (and opened the
        // table before it existed) exits; our session gets a fresh one.
        let postfix = try PostfixInstance(overrides: [
            "max_use": "1",
            "relay_domains": "example.com",
            "smtpd_recipient_restrictions": "check_recipient_access hash:$config_directory/access",
        ], files: ["access": source])
        defer { postfix.stop() }

        let result = try MapBuild.build(MapName(type: .hash, path: postfix.configDirectory.appendingPathComponent("access").path))
        XCTAssertEqual(result.count, 25_003)
        XCTAssertEqual(result.warnings, [])

        let smtp = try postfix.session(clientAddress: "203.0.113.9", helo: "mx.example.net")
        XCTAssertEqual(try smtp.mail(from: "a@example.net").code, 250)
        XCTAssertEqual(try smtp.rcpt(to: "USUARIO1@Example.com").code, 250, postfix.log())
        let rejected = try smtp.rcpt(to: "spammer@example.com")
        XCTAssertEqual(rejected.code, 554, postfix.log())
        XCTAssertTrue(rejected.description.contains("go away"), rejected.description)
        let domain = try smtp.rcpt(to: "other@example.com")
        XCTAssertEqual(domain.code, 550, postfix.log())
        XCTAssertTrue(domain.description.contains("no such user here"), domain.description)
    }
}
