import XCTest
import TestSupport
@testable import ConfigModel
import MapBuilder

/// The tutorial's gateway written in the Swift DSL; it must be the very model that
/// examples/seed-gateway.conf parses to.
final class DSLTests: XCTestCase {
    static func seedGateway() throws -> Gateway {
        try Gateway {
            try Identity(hostname: "spam.example.com", domain: "example.com", platform: .freebsd, postfix: "2.8",
                         publicIP: "203.0.113.25", listenIP: "192.168.40.3", loopback: false,
                         messageSizeLimit: "10240000")
            try Relay(domains: ["example.com"], mailServer: "mail.example.com", trusted: ["192.168.40.2/32"])
            try Recipients {
                "usuario1@example.com"
                "usuario2@example.com"
                "usuario3@example.com"
            }
            try Aliases {
                try Alias("postmaster", "postmaster@example.com")
                try Alias("abuse", "abuse@example.com")
            }
            LocalDelivery(enabled: false, message: "No molestar envio local esta deshabilitado")
            Clients {
                AccessEntry(key: "hotmail.com", action: .reject(text: nil))
            }
            HeloChecks(patterns: [
                .init(regex: #"/^spam\.example\.com$/"#, action: .reject(text: "You are not in the server room")),
                .init(regex: "/^[0-9.]+$/", action: .reject(text: "U are not RFC2821 compliant")),
            ], rejectOwnIP: .reject(text: "You are not my IP"))
            SenderChecks(rejectOwnDomain: .code(554, text: "No usar mi dominio en tu remitente"))
            Checks(heloRequired: true, fqdn: [.helo, .sender, .recipient], invalidHelo: true,
                   knownDomain: [.sender, .recipient], multiRecipientBounce: true)
            try DNSBL("zen.spamhaus.org", replyFilter: "127.0.0.[2..11]")
            try Greylisting(listen: "192.168.40.3:10023", delay: 300)
            try PolicydWeight(listen: "192.168.40.3:12525")
            Antivirus(streamMaxLength: try ByteSize.parse("10M"))
            Signatures(mirrors: [try DomainName.parse("database.clamav.net")], notifyClamd: true, checksPerDay: 12)
            try ContentFilter(listen: "192.168.40.3:10024", reinject: "192.168.40.3:10025", maxServers: 2)
            SpamAssassin(requiredScore: 5.0, bayes: true)
        }
    }

    func testDSLBuildsTheSeedModel() throws {
        let path = TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path
        let loaded = GatewayLoader.load(path: path)
        XCTAssertEqual(loaded.diagnostics, [])
        let parsed = try XCTUnwrap(loaded.document).gateway
        XCTAssertEqual(try Self.seedGateway(), parsed)
    }

    func testDSLRejectsWhatTheParserRejects() {
        XCTAssertThrowsError(try Relay(domains: ["example.com"], mailServer: "mail.example.com", trusted: ["192.168.40.2/24"]))
        XCTAssertThrowsError(try Recipients { "not-an-address" })
        XCTAssertThrowsError(try Identity(hostname: "spam.example.com", domain: "example.com", postfix: "2.8", tableType: .lmdb))
        XCTAssertThrowsError(try Identity(hostname: "spam.example.com", domain: "example.com", tableType: .pcre))
        XCTAssertEqual(try Identity(hostname: "spam.example.com", domain: "example.com", tableType: .cdb).effectiveTableType, .cdb)
        XCTAssertThrowsError(try Gateway { try Relay(domains: ["example.com"], mailServer: "mail.example.com") }) { error in
            XCTAssertEqual(error as? DSLError, DSLError("a gateway needs an `Identity`"))
        }
    }
}
