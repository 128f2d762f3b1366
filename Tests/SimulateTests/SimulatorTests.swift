import ConfigModel
import PostfixConfig
import Simulate
import TestSupport
import XCTest

/// The simulator on in-memory configurations: lookup order, DNS fixture, deferrals, classes.
final class SimulatorTests: XCTestCase {
    private func simulator(_ main: String, maps: [String: String] = [:], dns: String? = nil) -> Simulator {
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: main))
        let fixture = dns.map { DNSFixture.parse($0, file: "dns").0 }
        let context = SimulationContext(parameters: config.parameters(for: nil),
                                        tables: FileTableProvider(memory: maps), dns: fixture)
        return Simulator(context: context)
    }

    private let base = """
        compatibility_level = 3.6
        myhostname = mx.example.com
        mydestination =
        relay_domains = example.com
        mynetworks = 192.0.2.0/24

        """

    private func tx(_ client: String = "203.0.113.9", name: String? = nil, helo: String? = "mx.example.net",
                    from: String = "a@example.net", to: [String] = ["u@example.com"]) -> Transaction {
        Transaction(clientAddress: client, clientName: name, helo: helo, sender: from, recipients: to)
    }

    func testClientLookupOrderIsNameParentsThenAddressPrefixes() throws {
        let sim = simulator(base + "smtpd_client_restrictions = check_client_access hash:/c\n",
                            maps: ["/c": "203.0 REJECT Net blocked\n"])
        let verdict = try XCTUnwrap(sim.simulate(tx(name: "a.b.example.net")).verdicts.first)
        XCTAssertEqual(verdict.reply.description,
                       "554 5.7.1 <a.b.example.net[203.0.113.9]>: Client host rejected: Net blocked")
        let step = try XCTUnwrap(verdict.trace.first { $0.restriction.hasPrefix("check_client_access") })
        XCTAssertEqual(step.lookups, ["a.b.example.net", "b.example.net", "example.net", "net",
                                      "203.0.113.9", "203.0.113", "203.0"])
    }

    func testDunnoEndsTheTableButNotTheList() throws {
        let sim = simulator(base + "smtpd_client_restrictions = check_client_access hash:/c, reject\n",
                            maps: ["/c": "example.net DUNNO\n203.0.113.9 OK\n"])
        let verdict = try XCTUnwrap(sim.simulate(tx(name: "mx.example.net")).verdicts.first)
        XCTAssertEqual(verdict.reply.description, "554 5.7.1 <mx.example.net[203.0.113.9]>: Client host rejected: Access denied")
    }

    func testRelayListOKDoesNotSkipTheRecipientList() throws {
        let sim = simulator(base + """
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            smtpd_recipient_restrictions = check_sender_access hash:/s
            """, maps: ["/s": "example.net REJECT no\n"])
        let verdict = try XCTUnwrap(sim.simulate(tx("192.0.2.7", to: ["x@example.org"])).verdicts.first)
        XCTAssertEqual(verdict.reply.description, "554 5.7.1 <a@example.net>: Sender address rejected: no")
    }

    func testDeferIfPermitBecomes450OnlyWhenNothingRejects() {
        let sim = simulator(base + "smtpd_relay_restrictions =\nsmtpd_recipient_restrictions = check_recipient_access hash:/r, reject_unauth_destination\n",
                            maps: ["/r": "u@example.com DEFER_IF_PERMIT busy\nx@example.org DEFER_IF_PERMIT busy\n"])
        let result = sim.simulate(tx(to: ["u@example.com", "x@example.org"]))
        XCTAssertEqual(result.verdicts.map(\.reply.description), [
            "450 4.7.1 <u@example.com>: Recipient address rejected: busy",
            "554 5.7.1 <x@example.org>: Relay access denied",
        ])
        XCTAssertEqual(result.outcome, .rejected)
    }

    func testDefaultRelayListDefersAt37Defaults() throws {
        XCTAssertEqual(simulator(base).simulate(tx(to: ["x@example.org"])).verdicts.first?.reply.description,
                       "454 4.7.1 <x@example.org>: Relay access denied")
    }

    func testWarnIfRejectOnlyWarns() throws {
        let sim = simulator(base + "smtpd_recipient_restrictions = reject_unauth_destination, warn_if_reject reject_non_fqdn_helo_hostname\n")
        let verdict = try XCTUnwrap(sim.simulate(tx(helo: "nodots")).verdicts.first)
        XCTAssertEqual(verdict.reply, .rcptOK)
        XCTAssertTrue(verdict.trace.contains { $0.result == "reject_warning" })
    }

    func testRestrictionClassFromAnAccessMap() throws {
        let sim = simulator(base + """
            smtpd_restriction_classes = strict
            strict = reject_non_fqdn_helo_hostname, permit
            smtpd_recipient_restrictions = reject_unauth_destination, check_sender_access hash:/s
            """, maps: ["/s": "example.net strict\n"])
        XCTAssertEqual(sim.simulate(tx(helo: "nodots")).verdicts.first?.reply.description,
                       "504 5.5.2 <nodots>: Helo command rejected: need fully-qualified hostname")
    }

    func testDNSChecksWithoutFixtureAreReportedWithTheOtherReply() throws {
        let sim = simulator(base + "smtpd_recipient_restrictions = reject_unauth_destination, reject_unknown_sender_domain, reject_rbl_client zen.spamhaus.org=127.0.0.[2..11]\n")
        let verdict = try XCTUnwrap(sim.simulate(tx()).verdicts.first)
        XCTAssertEqual(verdict.reply, .rcptOK)
        XCTAssertEqual(verdict.notEvaluated.map { $0.alternative?.description ?? "-" }, [
            "450 4.1.8 <a@example.net>: Sender address rejected: Domain not found",
            "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org",
        ])
    }

    func testDNSFixtureAnswersBlocklistAndDomains() throws {
        let main = base + "smtpd_recipient_restrictions = reject_unauth_destination, reject_unknown_sender_domain, reject_rbl_client zen.spamhaus.org=127.0.0.[2..11]\n"
        let dns = """
            example.net A 192.0.2.80
            zen.spamhaus.org LISTED 203.0.113.66 127.0.0.4
            zen.spamhaus.org LISTED 203.0.113.67 127.255.255.254
            """
        let sim = simulator(main, dns: dns)
        XCTAssertEqual(sim.simulate(tx()).verdicts.first?.reply, .rcptOK)
        XCTAssertEqual(sim.simulate(tx("203.0.113.66")).verdicts.first?.reply.description,
                       "554 5.7.1 Service unavailable; Client host [203.0.113.66] blocked using zen.spamhaus.org")
        // A reply outside the filter (Spamhaus's "public resolver" answer) does not block.
        XCTAssertEqual(sim.simulate(tx("203.0.113.67")).verdicts.first?.reply, .rcptOK)
        XCTAssertEqual(sim.simulate(tx(from: "a@nowhere.example")).verdicts.first?.reply.description,
                       "450 4.1.8 <a@nowhere.example>: Sender address rejected: Domain not found")
    }

    func testPolicyServices() throws {
        let main = base + "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service inet:127.0.0.1:12525, check_policy_service inet:127.0.0.1:10023\n"
        let greylisted = try XCTUnwrap(simulator(main).simulate(tx()).verdicts.first)
        XCTAssertEqual(greylisted.reply.description,
                       "450 4.2.0 <u@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html")
        XCTAssertEqual(greylisted.notEvaluated.map(\.reason), ["needs policyd-weight's DNS-based score"])
        var known = tx()
        known.greylistKnown = true
        XCTAssertEqual(simulator(main).simulate(known).verdicts.first?.reply, .rcptOK)
        let spam = simulator(main, dns: "policy inet:127.0.0.1:12525 550 Mail appeared to be SPAM or forged")
        XCTAssertEqual(spam.simulate(tx()).verdicts.first?.reply.description,
                       "550 5.7.1 <u@example.com>: Recipient address rejected: Mail appeared to be SPAM or forged")
    }

    func testHeloRequiredAndBarePostmaster() throws {
        let sim = simulator(base + "smtpd_helo_required = yes\nsmtpd_client_restrictions = reject\n")
        XCTAssertEqual(sim.simulate(tx(helo: nil)).verdicts.first?.reply.description, "503 5.5.1 Error: send HELO/EHLO first")
        XCTAssertEqual(sim.simulate(tx(to: ["Postmaster", "u@example.com"])).verdicts.map(\.reply.code), [250, 554])
    }

    func testSeedGatewayConfSimulatedThroughTheEmitter() throws {
        let path = TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path
        let input = try SimulationInput.load(gatewayConf: path)
        let sim = Simulator(context: input.context(dns: nil))
        let result = sim.simulate(tx(to: ["x@example.org", "usuario1@example.com"]))
        XCTAssertEqual(result.verdicts.map(\.reply.description), [
            "554 5.7.1 <x@example.org>: Relay access denied",
            "450 4.2.0 <usuario1@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html",
        ])
        XCTAssertEqual(sim.simulate(tx("198.51.100.7", name: "smtp.hotmail.com")).verdicts.first?.reply.description,
                       "554 5.7.1 <smtp.hotmail.com[198.51.100.7]>: Client host rejected: Access denied")
    }

    func testBatchFileParsesAndReportsBadLines() {
        let (lines, diagnostics) = BatchFile.parse("""
            # comment
            client=203.0.113.9 helo=mx.example.net from=<> to=a@example.com,b@example.com greylist=known
            client=nope from=a@b to=c@d
            client=203.0.113.9 from=a@b to=c@d bogus=1
            """, file: "t.batch")
        XCTAssertEqual(lines.count, 1)
        XCTAssertEqual(lines.first?.transaction.sender, "")
        XCTAssertEqual(lines.first?.transaction.recipients, ["a@example.com", "b@example.com"])
        XCTAssertEqual(lines.first?.transaction.greylistKnown, true)
        XCTAssertEqual(diagnostics.map(\.span.line), [3, 4])
    }
}
