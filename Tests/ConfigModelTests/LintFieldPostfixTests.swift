import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import Diagnostics
@testable import PostfixConfig
@testable import Lint

/// The Postfix behaviour behind two lint fixes, checked on the real Postfix 3.7 (a private
/// instance, XCLIENT posing as an outsider), next to what lint says about the same main.cf.
final class LintFieldPostfixTests: XCTestCase {
    func lint(_ mainCf: String) -> [Diagnostic] {
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: mainCf),
                                      masterCf: MasterCf(file: "master.cf", text: PostfixInstance.baseMasterCF))
        return PostfixLinter.lint(config)
    }

    /// A permit in the recipient list before its guard (what a policy service's OK is) relays
    /// only while smtpd_relay_restrictions is empty: with the level-1+ default relay list the
    /// recipient must pass both lists (454 4.7.1). GW2005 follows that.
    func testPolicyBeforeGuardMattersOnlyWithAnEmptyRelayList() throws {
        for (level, relayList, relays) in [("3.6", nil, false), ("3.6", "", true), ("0", nil, true)] as [(String, String?, Bool)] {
            var main = "compatibility_level = \(level)\nmydestination = localhost\nsmtpd_helo_required = yes\n"
            if let relayList { main += "smtpd_relay_restrictions = \(relayList)\n" }
            // The real server: an OK that any sender can trigger stands in for a policy's OK.
            let real = try PostfixInstance(
                mainCF: PostfixInstance.baseMainCF.replacingOccurrences(of: "compatibility_level = 3.6\n", with: "")
                    + main + "smtpd_recipient_restrictions = check_sender_access inline:{attacker@evil.example=OK}, reject_unauth_destination\n")
            defer { real.stop() }
            let smtp = try real.session(clientAddress: "198.51.100.7", helo: "evil.example")
            defer { smtp.quit() }
            _ = try smtp.mail(from: "attacker@evil.example")
            let reply = try smtp.rcpt(to: "victim@elsewhere.example")
            XCTAssertEqual((200..<300).contains(reply.code), relays, "level \(level), relay list \(relayList ?? "default"): \(reply)")

            let found = lint(main + "smtpd_recipient_restrictions = check_policy_service inet:127.0.0.1:10023, reject_unauth_destination\n")
            XCTAssertEqual(found.contains { $0.id == "GW2005" }, relays,
                           "level \(level), relay list \(relayList ?? "default"): \(found.map(\.message))")
        }
    }

    /// `relay_domains = $mydestination` (the default before 3.0): the domains are local, and
    /// Postfix checks their recipients against the local recipient table (550 5.1.1), so
    /// neither GW2016 nor GW2017 applies.
    func testRelayDomainsEqualToMydestinationStillChecksRecipients() throws {
        let main = "mydestination = $myhostname, localhost\nrelay_domains = $mydestination\n"
        let real = try PostfixInstance(mainCF: PostfixInstance.baseMainCF + main)
        defer { real.stop() }
        let smtp = try real.session(clientAddress: "198.51.100.7", helo: "client.example")
        defer { smtp.quit() }
        _ = try smtp.mail(from: "someone@client.example")
        let reply = try smtp.rcpt(to: "no-such-user@gateway.test.example")
        XCTAssertEqual(reply.code, 550, "\(reply)")
        XCTAssertTrue("\(reply)".contains("User unknown in local recipient table"), "\(reply)")

        let found = lint(PostfixInstance.baseMainCF + main)
        XCTAssertEqual(found.filter { $0.id == "GW2016" || $0.id == "GW2017" }.map(\.message), [])
    }
}
