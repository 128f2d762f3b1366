import Diagnostics
import PostfixConfig

/// GW2007: reject_unverified_recipient before the relay guard, where outsiders reach it.
struct VerifyBeforeGuardRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2007", name: "verify-before-relay-guard", severity: .warning,
        summary: "`reject_unverified_recipient` runs before the relay guard: outsiders make the server probe any domain",
        rationale: """
        `reject_unverified_recipient` asks verify(8) to probe the recipient's mail server. Placed \
        before `reject_unauth_destination` in the relay-deciding list that smtpd evaluates first \
        (or in a later list when the first has no guard), it also runs for relay attempts: any \
        outsider can make the server connect to third-party domains of their choosing, one probe \
        per RCPT, and it answers 450 "unverified address" instead of refusing the relay. Put it \
        after the relay guard.
        """,
        triggering: [
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_relay_restrictions = permit_mynetworks, ↓reject_unverified_recipient, reject_unauth_destination
            """),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            smtpd_recipient_restrictions = reject_unverified_recipient
            """),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen = Set<String>()
        for service in RelayAnalysis.services(of: config) {
            let scope = config.parameters(for: service)
            lists: for list in scope.relayListsInOrder {
                let items = scope.list(list)
                var i = 0
                while i < items.count {
                    let name = items[i].text
                    if name == "warn_if_reject" { i += 2; continue }
                    if RelayAnalysis.guardNames.contains(name) { break lists }
                    if name == "reject_unverified_recipient" {
                        let span = items[i].span ?? scope.anchor(list)
                        if seen.insert("\(span)").inserted {
                            out.append(Self.diagnostic(
                                "`reject_unverified_recipient` in `\(list)` runs before the relay guard: any outsider makes this server probe third-party domains",
                                at: span, fix: "move `reject_unverified_recipient` after `reject_unauth_destination`"))
                        }
                    }
                    i += 1
                }
            }
        }
        return out
    }
}
