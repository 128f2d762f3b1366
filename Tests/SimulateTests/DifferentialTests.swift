import ConfigModel
import Simulate
import Foundation
import SMTPProbe
import TestSupport
import XCTest

/// gatewayctl's prediction must equal the reply of a real Postfix 3.7 for every transaction:
/// 5 configurations x 60 transactions, Postfix on loopback with XCLIENT, postgrey for real.
/// See `DifferentialConfigs` for what is left out of this run (DNS checks, policyd-weight).
final class DifferentialTests: XCTestCase {
    func testSeedGatewayDebian37() throws { try compareWithPostfix(DifferentialConfigs.seed(platform: "debian", version: "3.7")) }
    func testSeedGatewayFreeBSD28() throws { try compareWithPostfix(DifferentialConfigs.seed(platform: "freebsd", version: "2.8")) }
    func testHandWrittenModern() throws { try compareWithPostfix(DifferentialConfigs.modern) }
    func testHandWrittenLegacyLevel0() throws { try compareWithPostfix(DifferentialConfigs.legacy) }
    func testHandWrittenNoDelayReject() throws { try compareWithPostfix(DifferentialConfigs.noDelay) }

    /// Addresses smtpd refuses before any restriction, and odd ones it lets through.
    func testAddressSyntax() throws {
        let recipients = ["", "@", "a@b@c", "\"unterminated", "a@[300.1.1.1]", "@[1.2.3.4]:usuario1@example.com",
                          "usuario1@example.com.", "a b@example.com", "u@@example.com", "u@example..com",
                          "\"usuario1\"@example.com", "u@[IPv6:::1]"]
        let transactions = recipients.map {
            Transaction(clientAddress: "203.0.113.9", clientName: "mx.example.net", helo: "mx.example.net",
                        sender: "a@example.net", recipients: [$0], greylistKnown: true)
        } + ["a b@example.net", "\"x", "a@[1.2.3]", "a@example..net"].map {
            Transaction(clientAddress: "203.0.113.9", clientName: "mx.example.net", helo: "mx.example.net",
                        sender: $0, recipients: ["usuario1@example.com"])
        }
        try compareWithPostfix(DifferentialConfigs.legacy, transactions: transactions)
    }

    /// The matrix: clients, HELOs, senders and recipient sets combined with co-prime strides so
    /// 60 transactions cover every value of every axis several times.
    static func matrix(ownDomain d: String) -> [Transaction] {
        let clients: [(String, String?)] = [
            ("203.0.113.9", nil), ("203.0.113.9", "mx.example.net"), ("198.51.100.7", "mail.hotmail.com"),
            ("192.168.40.2", "mail.example.com"), ("192.0.2.5", nil), ("10.1.2.3", "blocked.example.net"),
            ("203.0.113.200", "goodclient.example.net"), ("192.0.2.25", "inside.test.example"),
        ]
        let helos: [String?] = ["mx.example.net", "spam.example.com", "203.0.113.25", "[203.0.113.25]", "localhost",
                                "bad_helo!", "1.2.3.4", nil, "trusted.example.net", "host.invalid", "nodots"]
        let senders = ["a@example.net", "", "someone@\(d)", "user", "spammer@example.org", "x@friend.example.net",
                       "boss@trusted.example.net", "Mixed.Case@Example.NET"]
        let recipients: [[String]] = [
            ["usuario1@\(d)"], ["nobody@\(d)"], ["x@example.org"], ["postmaster"], ["postmaster@\(d)"],
            ["usuario1@\(d)", "usuario2@\(d)"], ["blocked@\(d)"], ["sales@\(d)"], ["user"], ["a@sub.\(d)"],
            ["usuario2@\(d)", "x@example.org", "abuse@\(d)"], ["USUARIO1@\(d.uppercased())"], ["u@localhost"],
        ]
        return (0..<60).map { i in
            let client = clients[(i * 3) % clients.count]
            return Transaction(clientAddress: client.0, clientName: client.1, helo: helos[(i * 7 + i / 11) % helos.count],
                               sender: senders[(i * 5 + i / 8) % senders.count],
                               recipients: recipients[(i + i / 13) % recipients.count])
        }
    }
}
