import XCTest
@testable import ConfigModel
@testable import PostfixConfig
@testable import GatewayCompiler

final class RestrictionCompilerTests: XCTestCase {
    private func plan(_ g: Gateway) throws -> RestrictionPlan {
        try RestrictionCompiler.compile(g, paths: .forPlatform(g.identity.platform))
    }

    /// Postfix before 2.10: everything in smtpd_recipient_restrictions, guard before any table,
    /// policy service or DNS lookup.
    func testSeedOrderPostfix28() throws {
        let p = try plan(SeedFixture.gateway())
        XCTAssertNil(p.relay)
        XCTAssertEqual(p.recipient?.map(\.name), [
            "reject_non_fqdn_recipient", "reject_non_fqdn_sender", "permit_mynetworks", "reject_unauth_destination",
            "reject_unlisted_recipient",
            "check_sender_access", "reject_multi_recipient_bounce", "check_helo_access",
            "reject_non_fqdn_helo_hostname", "reject_invalid_helo_hostname",
            "check_policy_service", "check_policy_service",
            "reject_unknown_sender_domain", "reject_unknown_recipient_domain", "reject_rbl_client",
        ])
        // Unknown recipients get 550 before greylisting; the cheap greylist lookup before
        // policyd-weight's DNS queries.
        XCTAssertEqual(p.recipient?[10].text, "check_policy_service inet:192.168.40.5:10023", "postgrey before policyd-weight")
        XCTAssertEqual(p.recipient?[11].text, "check_policy_service inet:192.168.40.5:12525", "policyd-weight after postgrey")
        XCTAssertEqual(p.recipient?.last?.text, "reject_rbl_client zen.spamhaus.org=127.0.0.[2..11]")
        XCTAssertEqual(p.client?.map(\.text), ["check_client_access hash:/usr/local/etc/postfix/access_clients"])
    }

    func testEveryEntryThatCanPermitFollowsTheGuard() throws {
        let list = try XCTUnwrap(plan(SeedFixture.gateway()).recipient)
        let guardIndex = try XCTUnwrap(list.firstIndex { $0.name == "reject_unauth_destination" })
        for (i, r) in list.enumerated() where r.name.hasPrefix("check_") {
            XCTAssertGreaterThan(i, guardIndex, "\(r.text) may permit and must follow the relay guard")
        }
        XCTAssertTrue(list.allSatisfy { !$0.why.isEmpty && !$0.why.contains("\n") })
    }

    func testRelayRestrictionsFromPostfix210() throws {
        let p = try plan(SeedFixture.gateway(platform: .debian, postfix: PostfixVersion(2, 10)))
        XCTAssertEqual(p.relay?.map(\.text), ["permit_mynetworks", "reject_unauth_destination"])
        let p29 = try plan(SeedFixture.gateway(platform: .debian, postfix: PostfixVersion(2, 9)))
        XCTAssertNil(p29.relay)
    }

    func testOldHeloNamesBeforePostfix23() throws {
        let names = try plan(SeedFixture.gateway(postfix: PostfixVersion(2, 2))).recipient?.map(\.name) ?? []
        XCTAssertTrue(names.contains("reject_non_fqdn_hostname"))
        XCTAssertTrue(names.contains("reject_invalid_hostname"))
        XCTAssertFalse(names.contains("reject_invalid_helo_hostname"))
    }

    func testWarnOnlyPutsWarnIfRejectInFront() throws {
        var g = try SeedFixture.gateway()
        g.checks.warnOnly = ["reject_unknown_sender_domain", "check_client_access"]
        let p = try plan(g)
        XCTAssertTrue(p.recipient?.contains { $0.text == "warn_if_reject reject_unknown_sender_domain" } ?? false)
        XCTAssertEqual(p.client?.first?.text, "warn_if_reject check_client_access hash:/usr/local/etc/postfix/access_clients")
        // Written with the pre-2.3 name, still matched.
        g.checks.warnOnly = ["reject_invalid_hostname"]
        XCTAssertTrue(try plan(g).recipient?.contains { $0.text == "warn_if_reject reject_invalid_helo_hostname" } ?? false)
    }

    /// Naming a check the gateway does not use changes no list (the linter warns about it).
    func testWarnOnlyForACheckThatIsNotCompiledChangesNothing() throws {
        var g = try SeedFixture.gateway()
        let before = try plan(g)
        g.checks.warnOnly = ["reject_unknown_client_hostname"]
        XCTAssertEqual(try plan(g), before)
    }

    func testOverridesReplaceCompiledLists() throws {
        var g = try SeedFixture.gateway(platform: .debian, postfix: PostfixVersion(3, 7))
        g.restrictions.recipient = ["permit_mynetworks", "reject_unauth_destination"]
        g.restrictions.relay = ["reject_unauth_destination"]
        let p = try plan(g)
        XCTAssertEqual(p.recipient?.map(\.text), ["permit_mynetworks", "reject_unauth_destination"])
        XCTAssertEqual(p.relay?.map(\.text), ["reject_unauth_destination"])
        g.restrictions.recipient = ["permit_mynetworks, permit"]
        XCTAssertThrowsError(try plan(g))
    }

    func testRelayOverrideNeedsPostfix210() throws {
        var g = try SeedFixture.gateway()
        g.restrictions.relay = ["reject_unauth_destination"]
        XCTAssertThrowsError(try plan(g)) { XCTAssertEqual(($0 as? EmitError)?.keyPath, "restrictions.relay") }
    }
}
