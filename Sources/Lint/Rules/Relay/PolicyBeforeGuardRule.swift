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
        rejected anyway. Put `check_policy_service` after `reject_unauth_destination`, or keep \
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
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        RelayListFindings.items(config, \.policiesBeforeGuard).map { item, _, list in
            Self.diagnostic("`check_policy_service` in `\(list)` is consulted before the relay guard; its answer can open the relay",
                            at: item.span ?? .file(config.mainCf.file),
                            fix: "move `check_policy_service` after `reject_unauth_destination`")
        }
    }
}
