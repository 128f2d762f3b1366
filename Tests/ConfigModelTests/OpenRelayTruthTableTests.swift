import Foundation
import XCTest
import TestSupport
import SMTPProbe
@testable import ConfigModel
@testable import Diagnostics
@testable import PostfixConfig
@testable import Lint

/// The open-relay truth table: every hand-made configuration runs in a REAL Postfix (loopback,
/// private dirs, XCLIENT to pose as an outsider) and gets a relay attempt; gatewayctl's verdict
/// on the same files must equal what Postfix did. Zero disagreements.
final class OpenRelayTruthTableTests: XCTestCase {
    enum Verdict: String {
        /// Any outsider relays (GW2001 error).
        case open
        /// Only the client or recipient the tables name relays (GW2001 warning): the listed
        /// attack gets 2xx, a plain outsider does not.
        case openForListed
        case closed
        /// smtpd exits at start-up (GW2002).
        case refuses
    }

    struct Attack {
        var clientAddress = "198.51.100.7"
        var clientName: String? = nil
        var helo = "probe.test.example"
        var sender = "probe@attacker.test"
        var recipient = "victim@remote.example.net"
    }

    struct Case {
        var name: String
        var main: String
        /// master.cf entries for the smtp service (the harness's other services are added).
        var smtpService = "smtp inet n - n - - smtpd\n"
        var maps: [String: String] = [:]
        /// What the attacker does (the trigger gatewayctl should name).
        var attack = Attack()
        var expected: Verdict
    }

    static let header = """
        myhostname = gateway.test.example
        mydomain = test.example
        mydestination = $myhostname, localhost
        mynetworks = 192.0.2.25/32

        """

    static let cases: [Case] = [
        Case(name: "permit first in relay list, recipient list guards",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit\nsmtpd_recipient_restrictions = reject_unauth_destination\n",
             expected: .closed),
        Case(name: "permit first in the only list (2.8 style)",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions =\nsmtpd_recipient_restrictions = permit, reject_unauth_destination\n",
             expected: .refuses),
        Case(name: "HELO map with OK before the guard",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit_mynetworks, check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination\n",
             maps: ["helo_access": "partner.example.org OK\n"], attack: Attack(helo: "partner.example.org"), expected: .open),
        Case(name: "HELO map with OK after the guard",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination, check_helo_access hash:/etc/postfix/helo_access\n",
             maps: ["helo_access": "partner.example.org OK\n"], attack: Attack(helo: "partner.example.org"), expected: .closed),
        Case(name: "HELO map with RELAY for a parent domain",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination\n",
             maps: ["helo_access": "friends.example RELAY\n"], attack: Attack(helo: "mx.friends.example"), expected: .open),
        Case(name: "HELO map with DUNNO",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination\n",
             maps: ["helo_access": "partner.example.org DUNNO\n"], attack: Attack(helo: "partner.example.org"), expected: .closed),
        Case(name: "sender map with OK",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_sender_access hash:/etc/postfix/senders, reject_unauth_destination\n",
             maps: ["senders": "boss@example.com OK\n"], attack: Attack(sender: "boss@example.com"), expected: .open),
        Case(name: "sender map with an all-digit value",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_sender_access hash:/etc/postfix/senders, reject_unauth_destination\n",
             maps: ["senders": "example.com 554\n"], attack: Attack(sender: "anyone@example.com"), expected: .open),
        Case(name: "sender map with a reply code and text",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_sender_access hash:/etc/postfix/senders, reject_unauth_destination\n",
             maps: ["senders": "example.com 554 go away\n"], attack: Attack(sender: "anyone@example.com"), expected: .closed),
        // DISCARD answers 250 but the message is thrown away: nothing is relayed.
        Case(name: "sender map with DISCARD",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_sender_access hash:/etc/postfix/senders, reject_unauth_destination\n",
             maps: ["senders": "example.com DISCARD\n"], attack: Attack(sender: "x@example.com"), expected: .closed),
        Case(name: "restriction class that permits, reached by clients without reverse DNS",
             main: """
             compatibility_level = 3.6
             smtpd_restriction_classes = friendly
             friendly = permit
             smtpd_relay_restrictions = check_client_access hash:/etc/postfix/clients, reject_unauth_destination

             """,
             maps: ["clients": "unknown friendly\n"], expected: .open),
        Case(name: "map value that is a restriction list ending in reject",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination\n",
             maps: ["helo_access": "partner.example.org permit_mynetworks, reject\n"], attack: Attack(helo: "partner.example.org"),
             expected: .closed),
        Case(name: "mynetworks covering the world",
             main: "compatibility_level = 3.6\nmynetworks = 0.0.0.0/0\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n",
             expected: .open),
        Case(name: "master.cf -o override opens a safe main.cf",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n",
             smtpService: """
             smtp inet n - n - - smtpd
               -o { smtpd_relay_restrictions = permit_mynetworks, check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination }

             """,
             maps: ["helo_access": "partner.example.org OK\n"], attack: Attack(helo: "partner.example.org"), expected: .open),
        Case(name: "master.cf -o override closes an open main.cf",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination\n",
             smtpService: "smtp inet n - n - - smtpd\n  -o smtpd_relay_restrictions=permit_mynetworks,reject_unauth_destination\n",
             maps: ["helo_access": "partner.example.org OK\n"], attack: Attack(helo: "partner.example.org"), expected: .closed),
        Case(name: "relay list permits, recipient list guards",
             main: """
             compatibility_level = 3.6
             smtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination
             smtpd_recipient_restrictions = reject_unauth_destination

             """,
             maps: ["helo_access": "partner.example.org OK\n"], attack: Attack(helo: "partner.example.org"), expected: .closed),
        Case(name: "SASL before the guard, SASL off",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n",
             expected: .closed),
        Case(name: "no compatibility level, no restrictions",
             main: "smtpd_recipient_restrictions =\n", expected: .refuses),
        Case(name: "compatibility level 2 defaults",
             main: "compatibility_level = 2\n", expected: .closed),
        Case(name: "recipient list first before level 3.6, relay list default guards",
             main: "compatibility_level = 2\nsmtpd_recipient_restrictions = check_helo_access hash:/etc/postfix/helo_access\n",
             maps: ["helo_access": "partner.example.org OK\n"], attack: Attack(helo: "partner.example.org"), expected: .closed),
        Case(name: "warn_if_reject disarms the only guard",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit_mynetworks, warn_if_reject reject_unauth_destination\n",
             expected: .refuses),
        Case(name: "pcre HELO table with OK",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_helo_access pcre:/etc/postfix/helo.pcre, reject_unauth_destination\n",
             maps: ["helo.pcre": "/^partner\\./ OK\n"], attack: Attack(helo: "partner.anything.test"), expected: .open),
        Case(name: "client table trusting one address",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_client_access hash:/etc/postfix/clients, reject_unauth_destination\n",
             maps: ["clients": "203.0.113.50 OK\n"], attack: Attack(clientAddress: "203.0.113.50"), expected: .openForListed),
        Case(name: "recipient table permitting one destination domain",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_recipient_access hash:/etc/postfix/rcpt, reject_unauth_destination\n",
             maps: ["rcpt": "partner.example OK\n"], attack: Attack(recipient: "anyone@partner.example"), expected: .openForListed),
        Case(name: "sender map OK through a $name list",
             main: """
             compatibility_level = 3.6
             my_checks = check_sender_access hash:/etc/postfix/senders
             smtpd_relay_restrictions = $my_checks, reject_unauth_destination

             """,
             maps: ["senders": "<> OK\n"], attack: Attack(sender: ""), expected: .open),
        // Issue 12's classes.
        Case(name: "recipient local-part key relays to that mailbox at any domain",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_recipient_access hash:/etc/postfix/rcpt, reject_unauth_destination\n",
             maps: ["rcpt": "abuse@ OK\n"], attack: Attack(recipient: "abuse@remote.example.net"), expected: .open),
        Case(name: "recipient pcre local-part pattern relays at any domain",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_recipient_access pcre:/etc/postfix/rcpt.pcre, reject_unauth_destination\n",
             maps: ["rcpt.pcre": "/^postmaster@/ RELAY\n"], attack: Attack(recipient: "postmaster@remote.example.net"), expected: .open),
        Case(name: "restriction class holding its own guard",
             main: """
             compatibility_level = 3.6
             smtpd_restriction_classes = strict
             strict = reject_unauth_destination, permit
             smtpd_relay_restrictions = check_sender_access hash:/etc/postfix/senders, reject_unauth_destination

             """,
             maps: ["senders": "example.com strict\n"], attack: Attack(sender: "x@example.com"), expected: .closed),
        Case(name: "HELO permit that the HELO list already rejects",
             main: """
             compatibility_level = 3.6
             smtpd_helo_restrictions = reject_non_fqdn_helo_hostname
             smtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination

             """,
             maps: ["helo_access": "localhost OK\n"], attack: Attack(helo: "localhost"), expected: .closed),
        Case(name: "HELO permit that a HELO pcre rejects first",
             main: """
             compatibility_level = 3.6
             smtpd_helo_restrictions = check_helo_access pcre:/etc/postfix/helo.pcre
             smtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination

             """,
             maps: ["helo_access": "partner.example.org OK\n", "helo.pcre": "/^partner\\./ REJECT forged\n"],
             attack: Attack(helo: "partner.example.org"), expected: .closed),
        Case(name: "dot-prefixed HELO key never matches with the default parent style",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination\n",
             maps: ["helo_access": ".partner.example.org OK\n"], attack: Attack(helo: "mx.partner.example.org"), expected: .closed),
        Case(name: "recipient key on our own postmaster",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_recipient_access hash:/etc/postfix/rcpt, reject_unauth_destination\n",
             maps: ["rcpt": "postmaster@gateway.test.example OK\n"], attack: Attack(recipient: "postmaster@gateway.test.example"),
             expected: .closed),
        Case(name: "recipient key on a relay-domain mailbox",
             main: """
             compatibility_level = 3.6
             relay_domains = relay.example
             smtpd_relay_restrictions = check_recipient_access hash:/etc/postfix/rcpt, reject_unauth_destination

             """,
             maps: ["rcpt": "alice@relay.example OK\n"], attack: Attack(recipient: "alice@relay.example"), expected: .closed),
        Case(name: "mynetworks as a cidr table covering the world",
             main: "compatibility_level = 3.6\nmynetworks = cidr:/etc/postfix/nets.cidr\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n",
             maps: ["nets.cidr": "0.0.0.0/0 OK\n"], expected: .open),
        Case(name: "client cidr table trusting one network",
             main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = check_client_access cidr:/etc/postfix/clients.cidr, reject_unauth_destination\n",
             maps: ["clients.cidr": "203.0.113.0/24 OK\n"], attack: Attack(clientAddress: "203.0.113.1"), expected: .openForListed),
    ]

    /// Our own destinations in the cases: a 2xx for them is not relaying.
    static let ownDomains: Set<String> = ["gateway.test.example", "localhost", "relay.example"]

    /// gatewayctl's verdict on the case's files.
    static func gatewayctlVerdict(_ c: Case, dir: URL) throws -> (Verdict, [Diagnostic]) {
        try Data((header + c.main).utf8).write(to: dir.appendingPathComponent("main.cf"))
        try Data((c.smtpService + PostfixInstance.baseMasterCF.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n").utf8)
            .write(to: dir.appendingPathComponent("master.cf"))
        for (name, text) in c.maps { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        let config = try PostfixConfigSet.load(directory: dir.path)
        let found = PostfixLinter.lint(config)
        if found.contains(where: { $0.id == "GW2002" }) { return (.refuses, found) }
        let relay = found.filter { $0.id == "GW2001" && !$0.message.hasPrefix("the open-relay verdict could not be verified") }
        if relay.contains(where: { $0.severity == .error }) { return (.open, found) }
        if !relay.isEmpty { return (.openForListed, found) }
        return (.closed, found)
    }

    /// What the real Postfix does with the case's attack, and with a plain outsider.
    static func postfixVerdict(_ c: Case) throws -> (Verdict, String) {
        let postfix = try PostfixInstance(
            mainCF: header + c.main,
            masterCF: c.smtpService + PostfixInstance.baseMasterCF.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n",
            files: c.maps, hashMaps: c.maps.keys.filter { !$0.hasSuffix(".pcre") && !$0.hasSuffix(".cidr") }.sorted(),
            configDirectoryAlias: "/etc/postfix")
        defer { postfix.stop() }
        func attempt(_ a: Attack) throws -> Int {
            let smtp = try postfix.session(clientAddress: a.clientAddress, clientName: a.clientName, helo: a.helo)
            defer { smtp.quit() }
            _ = try smtp.mail(from: a.sender)
            return try smtp.rcpt(to: a.recipient).code
        }
        let code: Int
        do { code = try attempt(c.attack) } catch {
            let log = postfix.log()
            if log.contains("specify at least one working instance of") { return (.refuses, log) }
            throw error
        }
        guard (200..<300).contains(code) else { return (.closed, "RCPT \(code)") }
        // A 250 that smtpd logs as a DISCARD action is thrown away, and mail to our own
        // domains is delivered here: neither is relayed.
        if postfix.log().contains("DISCARD action") { return (.closed, "RCPT \(code), discarded") }
        let domain = c.attack.recipient.split(separator: "@").last.map(String.init) ?? ""
        if ownDomains.contains(domain) { return (.closed, "RCPT \(code) for our own domain") }
        // HELO and MAIL FROM are the attacker's to choose; a client address or name is not.
        // A chosen recipient domain is not: relaying only TO a listed domain is not open; any
        // mailbox at the attacker's own foreign domain is.
        let ownAddress = c.attack.clientAddress == Attack().clientAddress && c.attack.clientName == nil
            && domain == "remote.example.net"
        if ownAddress { return (.open, "RCPT \(code)") }
        let plain = try attempt(Attack())
        return ((200..<300).contains(plain) ? .open : .openForListed, "RCPT \(code), plain outsider \(plain)")
    }

    struct Outcome {
        var ours: Verdict
        var found: [Diagnostic]
        var theirs: Verdict
        var evidence: String
    }

    func testGatewayctlAgreesWithRealPostfixOnEveryCase() throws {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 35)
        // Two Postfix instances at a time (one per core): each has its own dirs and port.
        let lock = NSLock()
        nonisolated(unsafe) var outcomes = [Result<Outcome, Error>?](repeating: nil, count: Self.cases.count)
        DispatchQueue.concurrentPerform(iterations: Self.cases.count) { i in
            let c = Self.cases[i]
            let result = Result<Outcome, Error> {
                let dir = try TestSupport.makeTempDir("truth-table")
                defer { try? FileManager.default.removeItem(at: dir) }
                let (ours, found) = try Self.gatewayctlVerdict(c, dir: dir)
                let (theirs, evidence) = try Self.postfixVerdict(c)
                return Outcome(ours: ours, found: found, theirs: theirs, evidence: evidence)
            }
            lock.lock()
            outcomes[i] = result
            lock.unlock()
        }
        var disagreements: [String] = []
        for (c, result) in zip(Self.cases, outcomes) {
            guard let o = try result?.get() else { continue }
            XCTAssertEqual(o.theirs, c.expected, "\(c.name): Postfix did \(o.theirs.rawValue) (\(o.evidence)); the table says \(c.expected.rawValue)")
            if o.ours != o.theirs {
                disagreements.append("\(c.name): gatewayctl \(o.ours.rawValue), Postfix \(o.theirs.rawValue) (\(o.evidence)); findings: "
                                     + o.found.map { "\($0.id) \($0.message)" }.joined(separator: " | "))
            }
            // Every confirmed relay shows the transaction that relays.
            for d in o.found where d.id == "GW2001" && !d.message.hasPrefix("the open-relay verdict") {
                XCTAssertTrue(d.notes.contains { $0.message.contains("gatewayctl simulate --postfix") }
                              || d.notes.contains { $0.message.hasPrefix("not confirmed by simulation") },
                              "\(c.name): no simulate command line in `\(d.message)`")
            }
            // An open verdict must name the attack that worked.
            if o.ours == .open {
                let needle = c.attack.helo != Attack().helo ? "HELO" : c.attack.sender != Attack().sender ? "MAIL FROM" : "any client"
                XCTAssertTrue(o.found.contains { $0.id == "GW2001" && $0.message.contains(needle) },
                              "\(c.name): the finding does not name the trigger (\(needle))")
            }
        }
        XCTAssertEqual(disagreements, [], "gatewayctl and Postfix disagree")
    }
}
