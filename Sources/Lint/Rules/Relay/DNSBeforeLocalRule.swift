import Diagnostics
import PostfixConfig
import ConfigModel

/// GW2018: a DNS lookup placed before cheap local checks in the same list.
struct DNSBeforeLocalRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2018", name: "dns-before-local-checks", severity: .info,
        summary: "a DNS-based check runs before cheaper local checks in the same list",
        rationale: """
        DNSBL, MX and domain-existence checks wait on the network (seconds when a resolver is \
        slow) and load the DNS lists' servers. Local checks (syntax, tables, the relay guard) \
        decide most rejects in microseconds; ordering them first saves DNS queries for mail \
        that is rejected anyway.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = ↓reject_rbl_client zen.spamhaus.org=127.0.0.[2..11], reject_unauth_destination\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination, reject_rbl_client zen.spamhaus.org=127.0.0.[2..11]\n"),
            // An Ansible-role relay: smtpd_relay_restrictions already refused every foreign
            // destination, so the guard repeated in the recipient list decides nothing new.
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            smtpd_recipient_restrictions = permit_mynetworks, reject_unknown_recipient_domain, reject_unauth_destination
            """),
        ])

    static let notLocal: Set<String> = ["permit", "reject", "defer", "warn_if_reject", "defer_if_permit", "defer_if_reject",
                                        "check_policy_service", "sleep"]

    static let relayGuards: Set<String> = ["reject_unauth_destination", "defer_unauth_destination"]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            // When smtpd_relay_restrictions runs first (3.6+ at level 3.6, or
            // smtpd_relay_before_recipient_restrictions = yes), a relay guard it holds has refused
            // every foreign destination before the recipient list's copy could decide anything.
            let relayGuarded = scope.relayListsInOrder.first == "smtpd_relay_restrictions"
                && scope.list("smtpd_relay_restrictions").contains {
                Self.relayGuards.contains(String($0.text.prefix { !$0.isWhitespace }))
            }
            let entries = scope.restrictionEntries
            for (k, e) in entries.enumerated() where e.info?.needsDNS == true {
                guard let cheap = entries[(k + 1)...].first(where: {
                    $0.list == e.list && $0.info.map { !$0.needsDNS && $0.permit == .never && !Self.notLocal.contains($0.name) } == true
                        && !(relayGuarded && $0.list == "smtpd_recipient_restrictions" && Self.relayGuards.contains($0.info?.name ?? ""))
                }) else { continue }
                out.add(Self.diagnostic("`\(e.item.text)` queries DNS before the local check `\(cheap.item.text)` in `\(e.list)`",
                                        at: e.item.span ?? scope.anchor(e.list),
                                        notes: [.init("cheaper check that could decide first", at: cheap.item.span)],
                                        fix: "move `\(e.item.text)` after `\(cheap.item.text)`"))
            }
        }
        return out.all
    }
}
