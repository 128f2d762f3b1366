import ConfigModel
import PostfixConfig
import Simulate
import Lint
import Foundation
import TestSupport
import XCTest

/// Issue 12's simulate mismatch classes, each a minimal configuration of ours run against the
/// real Postfix with transactions that reach the class (compareWithPostfix: exact replies,
/// nothing left unevaluated).
final class FieldClassesDifferentialTests: XCTestCase {
    private func config(_ name: String, _ main: String, files: [String: String] = [:], hash: [String] = []) -> DifferentialConfig {
        DifferentialConfig(name: name, mainCF: main, masterCF: PostfixInstance.baseMasterCF, files: files, hashMaps: hash,
                           alias: nil, ownDomain: "mx.gw.example")
    }

    private func tx(client: String = "198.51.100.7", name: String? = nil, helo: String? = "mx.example.net",
                    from: String = "a@example.net", _ to: String...) -> Transaction {
        Transaction(clientAddress: client, clientName: name, helo: helo, sender: from, recipients: to)
    }

    /// Quoted local parts print unquoted; trailing-dot domains resolve without the dot; `%`
    /// and `!` stay routed with both rewrites off; mydomain comes from myhostname.
    func testAddressForms() throws {
        let main = """
            compatibility_level = 3.6
            myhostname = mx.gw.example
            mydestination = $myhostname, localhost.$mydomain, localhost
            alias_maps =
            local_recipient_maps =
            relay_domains = relay.example
            relay_recipient_maps = hash:$config_directory/relay_recipients
            swap_bangpath = no
            allow_percent_hack = no
            smtpd_sender_restrictions = check_sender_access hash:$config_directory/senders
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination

            """
        let c = config("address-forms", main, files: ["relay_recipients": "alice@relay.example x\n",
                                                      "senders": "example.com REJECT no thanks\n"],
                       hash: ["relay_recipients", "senders"])
        try compareWithPostfix(c, transactions: [
            tx("\"x y\"@remote.example.net", "\"jane doe\"@relay.example"),
            tx(from: "\"john smith\"@example.com", "alice@relay.example"),
            tx(from: "bob@example.com.", "alice@relay.example"),
            tx("alice@relay.example.", "u@localhost.gw.example", "postmaster@mx.gw.example."),
            tx("remote.example!victim@mx.gw.example", "victim%remote.example@mx.gw.example", "a!b@relay.example",
               "a%b@relay.example"),
        ])
    }

    /// 4.7.25 for a client without a name (3.7); cidr tables, mynetworks as a cidr table;
    /// reject_unauth_pipelining and reject_unlisted_recipient in lists.
    func testClientChecksAndCidrTables() throws {
        let main = """
            compatibility_level = 3.6
            myhostname = mx.gw.example
            mydestination = $myhostname
            alias_maps =
            local_recipient_maps = hash:$config_directory/users
            mynetworks = cidr:$config_directory/nets.cidr
            smtpd_client_restrictions = check_client_access cidr:$config_directory/clients.cidr,
                reject_unknown_client_hostname
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            smtpd_recipient_restrictions = reject_unauth_pipelining, reject_unlisted_recipient

            """
        let c = config("client-cidr", main, files: ["users": "user x\n", "nets.cidr": "192.0.2.0/28 x\n",
                                                    "clients.cidr": "203.0.113.0/24 OK\n198.18.0.0/15 REJECT go away\n"],
                       hash: ["users"])
        try compareWithPostfix(c, transactions: [
            tx("user@mx.gw.example", "nobody@mx.gw.example"),
            tx(name: "mx.example.net", "user@mx.gw.example", "nobody@mx.gw.example", "x@remote.example"),
            tx(client: "203.0.113.9", "x@remote.example", "user@mx.gw.example"),
            tx(client: "192.0.2.10", name: "inside.example", "x@remote.example"),
            tx(client: "192.0.2.10", "x@remote.example"),
            tx(client: "198.19.4.4", name: "mx.example.net", "user@mx.gw.example"),
        ])
    }

    /// DISCARD in the sender list (delayed to RCPT) and at an earlier RCPT discards the whole
    /// message: later recipients get OK, foreign ones too; a DISCARD the client list gives at
    /// connect (smtpd_delay_reject = no) is forgotten at EHLO.
    func testDiscardEndsEvaluation() throws {
        let base = """
            compatibility_level = 3.6
            myhostname = mx.gw.example
            mydestination = $myhostname
            alias_maps =
            local_recipient_maps =
            smtpd_sender_restrictions = check_sender_access hash:$config_directory/senders
            smtpd_recipient_restrictions = check_recipient_access hash:$config_directory/rcpts

            """
        let files = ["senders": "drop.example DISCARD\n", "rcpts": "trap@mx.gw.example DISCARD\n", "clients": "198.51.100.9 DISCARD\n"]
        try compareWithPostfix(config("discard", base, files: files, hash: ["senders", "rcpts", "clients"]), transactions: [
            tx(from: "x@drop.example", "victim@remote.example", "user@mx.gw.example"),
            tx("trap@mx.gw.example", "victim@remote.example"),
            tx("victim@remote.example", "trap@mx.gw.example"),
        ])
        let early = base + "smtpd_delay_reject = no\nsmtpd_client_restrictions = check_client_access hash:$config_directory/clients\n"
        try compareWithPostfix(config("discard-at-connect", early, files: files, hash: ["senders", "rcpts", "clients"]), transactions: [
            tx(client: "198.51.100.9", from: "x@drop.example", "victim@remote.example"),
            tx(client: "198.51.100.9", "victim@remote.example", "user@mx.gw.example"),
        ])
    }

    /// Compatibility level 0: append_dot_mydomain is on (`user@mx` is local); a sender check in
    /// the client list sees no sender at connect when smtpd_delay_reject = no; a bare sender
    /// passes reject_unknown_sender_domain (it gets @$myorigin).
    func testLevelZeroAndEarlyChecks() throws {
        let main = """
            myhostname = mx.gw.example
            mydomain = gw.example
            mydestination = $myhostname
            alias_maps =
            local_recipient_maps =
            smtpd_delay_reject = no
            smtpd_client_restrictions = check_sender_access hash:$config_directory/senders
            smtpd_sender_restrictions = reject_unknown_sender_domain
            smtpd_relay_restrictions =
            smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination

            """
        let c = config("level-0", main, files: ["senders": "bad@mx.gw.example REJECT\n"], hash: ["senders"])
        try compareWithPostfix(c, transactions: [
            tx(from: "bad@mx.gw.example", "user@mx", "user@mx.gw.example"),
            tx(from: "user", "user@mx", "x@remote.example"),
        ])
    }
}

extension FieldClassesDifferentialTests {
    /// `smtpd_relay_restrictions = reject`: smtpd starts, and refuses every recipient, our own
    /// networks and domains included (554 on the real Postfix); simulate says the same and lint
    /// reports it (GW2008).
    func testRelayListThatRejectsEverything() throws {
        let main = """
            compatibility_level = 3.6
            myhostname = mx.gw.example
            mydestination = $myhostname
            alias_maps =
            local_recipient_maps =
            mynetworks = 192.0.2.0/28
            smtpd_relay_restrictions = reject

            """
        let replies = try compareWithPostfix(config("relay-reject", main), transactions: [
            tx(client: "192.0.2.10", "user@mx.gw.example", "x@remote.example"),
            tx("user@mx.gw.example"),
        ])
        XCTAssertTrue(replies.allSatisfy { $0.code == 554 }, "\(replies)")
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: main))
        XCTAssertEqual(PostfixLinter.lint(config).filter { $0.id == "GW2008" }.count, 1)
    }
}
