import ConfigModel
import Simulate
import Foundation
import TestSupport
import XCTest

/// The DNS-dependent checks, differentially: the seed gateway (Debian 3.7) with its
/// reject_unknown_sender_domain, reject_unknown_recipient_domain and reject_rbl_client kept,
/// Postfix inside a private network namespace whose resolver is a dnsmasq serving exactly the
/// records of a DNS fixture, and the simulator reading that same fixture. 60 transactions.
/// (reject_unknown_recipient_domain runs but cannot fail here: the seed's only relay domain
/// has its MX, and foreign domains are refused by the relay guard before it.)
/// policyd-weight and postgrey are left out of this run (postgrey is covered by
/// `DifferentialTests`; policyd-weight scores by DNS data the fixture does not model).
final class DNSDifferentialTests: XCTestCase {
    static let fixture = """
        example.net        A      192.0.2.10
        example.com        MX     mail.example.com
        mail.example.com   A      192.0.2.20
        example.org        A      192.0.2.30
        mx-only.example    MX     mail.mx-only.example
        zen.spamhaus.org   LISTED 203.0.113.66 127.0.0.4
        zen.spamhaus.org   LISTED 203.0.113.67 127.255.255.254
        """

    func testSeedGatewayWithDNSChecks() throws {
        let (fixture, problems) = DNSFixture.parse(Self.fixture, file: "fixture")
        XCTAssertEqual(problems.count, 0)
        let namespace = try NetworkNamespace()
        defer { namespace.stop() }
        let dns = try DNSServer(in: namespace, records: Self.dnsmasqRecords(fixture))
        defer { dns.stop() }

        var config = try DifferentialConfigs.seed(platform: "debian", version: "3.7", keepDNS: true)
        config.name += "-dns"
        var transactions: [Transaction] = []
        for client in ["203.0.113.66", "203.0.113.67", "203.0.113.9", "192.168.40.2"] {
            for sender in ["a@example.net", "x@nowhere.example", "y@mx-only.example", "", "someone@example.com"] {
                for recipients in [["usuario1@example.com"], ["x@example.org"], ["usuario2@example.com", "u@nowhere.example"]] {
                    transactions.append(Transaction(clientAddress: client, clientName: "mx.example.net",
                                                    helo: "mx.example.net", sender: sender, recipients: recipients))
                }
            }
        }
        let replies = try compareWithPostfix(config, transactions: transactions, namespace: namespace, dns: fixture)
        // The matrix must reach every DNS outcome, or agreeing would prove little.
        let texts = replies.map(\.description)
        for expected in ["554 5.7.1 Service unavailable; Client host [203.0.113.66] blocked using zen.spamhaus.org",
                         "450 4.1.8 <x@nowhere.example>: Sender address rejected: Domain not found",
                         "250 2.1.5 Ok"] {
            XCTAssertTrue(texts.contains { $0.hasPrefix(expected) }, "no reply `\(expected)` in the run")
        }
        // 127.255.255.254 is outside the seed's reply filter: that listing must not block.
        XCTAssertFalse(texts.contains { $0.contains("[203.0.113.67] blocked") })
    }

    /// The fixture as dnsmasq options: A/AAAA as host records, MX with preference 10, TXT.
    static func dnsmasqRecords(_ fixture: DNSFixture) -> [String] {
        fixture.records.sorted { $0.key < $1.key }.flatMap { name, records in
            records.map { record in
                switch record.type {
                case "MX": "mx-host=\(name),\(record.value),10"
                case "TXT": "txt-record=\(name),\(record.value)"
                default: "host-record=\(name),\(record.value)"
                }
            }
        }
    }
}
