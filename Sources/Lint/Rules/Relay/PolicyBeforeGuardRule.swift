import Diagnostics
import PostfixConfig

/// GW2005: a policy service consulted before the relay guard.
struct PolicyBeforeGuardRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2005", name: "policy-before-relay-guard", severity: .warning,
        summary: "`check_policy_service` runs before the relay guard",
        rationale: """
        A policy server's answer is an access(5) action, so it can say OK and open the relay; \
        it also gets queried (and greylists, and scores) for relay attempts that would be \
        rejected anyway. This matters only where that list decides relaying alone: in \
        `smtpd_relay_restrictions`, or in `smtpd_recipient_restrictions` while the relay list \
        is empty (compatibility level 0, or set empty); a recipient must pass both lists. Put `check_policy_service` after `reject_unauth_destination`, or keep \
        relay control in `smtpd_relay_restrictions` and the policy in \
        `smtpd_recipient_restrictions`.
        """,
        triggering: [
            .postfix(mainCf: """
            smtpd_recipient_restrictions = ↓check_policy_service inet:127.0.0.1:10023,
                reject_unauth_destination
            """),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            smtpd_recipient_restrictions = reject_unauth_destination,
                check_policy_service inet:127.0.0.1:10023
            """),
            // The relay list's default guard runs too: the policy cannot open the relay.
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_recipient_restrictions = check_policy_service inet:127.0.0.1:10023,
                reject_unauth_destination
            """),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        RelayListFindings.items(config, \.policiesBeforeGuard).filter { _, scope, list in
            // A recipient must pass BOTH lists: while smtpd_relay_restrictions holds anything
            // (its default from level 1 ends in defer_unauth_destination), a policy OK in the
            // recipient list cannot relay. Only an empty relay list (level 0, or set empty)
            // leaves relay control to the list the policy sits in.
            list == "smtpd_relay_restrictions" || scope.list("smtpd_relay_restrictions").isEmpty
        }.map { item, _, list in
            Self.diagnostic("`check_policy_service` in `\(list)` is consulted before the relay guard; its answer can open the relay",
                            at: item.span ?? .file(config.mainCf.file),
                            fix: "move `check_policy_service` after `reject_unauth_destination`")
        }
    }
}
