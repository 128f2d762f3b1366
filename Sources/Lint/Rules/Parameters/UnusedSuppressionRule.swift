import Diagnostics
import PostfixConfig

/// GW3003: a `# gatewayctl: disable=...` comment that silences nothing. The finding is produced
/// by the suppression pass itself (`Suppressions.apply`, run by `PostfixLinter` and
/// `GatewayChecker` after every rule), so this type only describes it.
struct UnusedSuppressionRule: Rule {
    init() {}
    static let description = RuleDescription(
        id: "GW3003", name: "unused-suppression", severity: .warning,
        summary: "a `gatewayctl: disable=` comment that matches no finding",
        rationale: """
        A suppression documents an accepted risk on the entry below it. When the entry changes \
        or the finding goes away, a leftover directive would silently hide the next, different \
        problem on that line; it is reported so it can be deleted.
        """,
        triggering: [
            .postfix(mainCf: "↓# gatewayctl: disable=open-relay partner relays through us\nsmtpd_helo_required = yes\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            compatibility_level = 3.6
            mynetworks = 0.0.0.0/0
            # gatewayctl: disable=open-relay the lab box is firewalled
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            """),
        ])
}
