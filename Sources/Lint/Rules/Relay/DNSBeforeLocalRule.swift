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
        ])

    static let notLocal: Set<String> = ["permit", "reject", "defer", "warn_if_reject", "defer_if_permit", "defer_if_reject",
                                        "check_policy_service", "sleep"]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            let entries = scope.restrictionEntries
            for (k, e) in entries.enumerated() where e.info?.needsDNS == true {
                guard let cheap = entries[(k + 1)...].first(where: {
                    $0.list == e.list && $0.info.map { !$0.needsDNS && $0.permit == .never && !Self.notLocal.contains($0.name) } == true
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
