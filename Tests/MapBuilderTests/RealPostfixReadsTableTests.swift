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

    /// smtpd answers RCPT from lmdb and cdb tables MapBuilder wrote (NUL style, folding and, for
    /// lmdb, the map size set up front all as dict_lmdb / dict_cdb expect): relay_recipient_maps
    /// accepts the listed recipients in any case and refuses the others; an access table of the
    /// same type rejects with its text.
    func testSmtpdUsesOurLMDBAndCDBRelayRecipients() throws {
        for type in [MapType.lmdb, .cdb] {
            var recipients = "Usuario1@Example.com x\npostmaster@example.com x\n"
            for i in 0..<20_000 { recipients += "filler\(i)@example.com x\n" }
            let postfix = try PostfixInstance(overrides: [
                "max_use": "1",
                "relay_domains": "example.com",
                "relay_recipient_maps": "\(type):$config_directory/relay_recipients",
                "smtpd_recipient_restrictions": "check_recipient_access \(type):$config_directory/access, reject_unauth_destination",
            ], files: ["relay_recipients": recipients, "access": "blocked@example.com REJECT not here\n"])
            defer { postfix.stop() }
            if let package = type.debianPackage {
                let postmap = try Postmap()
                defer { postmap.cleanup() }
                try postmap.requireDictionary(type.rawValue, package: package)
            }
            for name in ["relay_recipients", "access"] {
                let result = try MapBuild.build(MapName(type: type, path: postfix.configDirectory.appendingPathComponent(name).path))
                XCTAssertEqual(result.warnings, [])
            }

            let smtp = try postfix.session(clientAddress: "203.0.113.9", helo: "mx.example.net")
            XCTAssertEqual(try smtp.mail(from: "a@example.net").code, 250)
            XCTAssertEqual(try smtp.rcpt(to: "USUARIO1@example.com").code, 250, "\(type): \(postfix.log())")
            XCTAssertEqual(try smtp.rcpt(to: "filler19999@example.com").code, 250, "\(type): \(postfix.log())")
            let unknown = try smtp.rcpt(to: "nobody@example.com")
            XCTAssertEqual(unknown.code, 550, "\(type): \(postfix.log())")
            XCTAssertTrue(unknown.description.contains("relay recipient table"), unknown.description)
            let blocked = try smtp.rcpt(to: "blocked@example.com")
            XCTAssertEqual(blocked.code, 554, "\(type): \(postfix.log())")
            XCTAssertTrue(blocked.description.contains("not here"), blocked.description)
        }
    }
}
