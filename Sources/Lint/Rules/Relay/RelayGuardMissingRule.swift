import Diagnostics
import PostfixConfig

/// GW2002: smtpd would refuse to start: no working relay guard.
struct RelayGuardMissingRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2002", name: "relay-guard-missing", severity: .error,
        summary: "smtpd refuses to start: no working relay guard in the relay or recipient list",
        rationale: """
        At start-up smtpd requires `reject_unauth_destination`, `defer_unauth_destination`, \
        `reject`, `defer`, `defer_if_permit` or `check_relay_domains` in `smtpd_relay_restrictions` \
        or `smtpd_recipient_restrictions`, not after a literal `permit`. Without one every smtpd \
        process exits with `fatal: in parameter smtpd_relay_restrictions or \
        smtpd_recipient_restrictions, specify at least one working instance of ...` and the \
        server accepts no mail at all. Postfix 3.x at `compatibility_level` 0 (no \
        `compatibility_level` line) has an empty relay list by default, so an old main.cf with \
        an empty recipient list stops working after an upgrade.
        """,
        triggering: [
            .postfix(mainCf: "↓smtpd_relay_restrictions = permit_mynetworks\n"),
            .postfix(mainCf: "compatibility_level = 3.6\nsmtpd_relay_restrictions = ↓permit, reject_unauth_destination\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "compatibility_level = 3.6\n"),
            .postfix(mainCf: "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen = Set<String>()
        for service in RelayAnalysis.services(of: config) {
            let a = RelayAnalysis.analyze(config, service: service)
            guard !a.startsUp else { continue }
            let scope = config.parameters(for: service)
            let lists = scope.relayListsInOrder
            // Point at the list that is written, the relay list first.
            let name = lists.first { scope.isExplicit($0) } ?? lists.first ?? "smtpd_recipient_restrictions"
            let permitItem = scope.list(name).first { $0.text == "permit" }
            let span = permitItem?.span ?? (scope.isExplicit(name) ? (config.mainCf.parameters[name]?.nameSpan ?? scope.anchor(name)) : scope.anchor(name))
            var message = "smtpd exits at start-up: neither `smtpd_relay_restrictions` nor `smtpd_recipient_restrictions` holds a working relay guard"
            if permitItem != nil { message += " before `permit`" }
            let key = "\(span)|\(message)"
            guard seen.insert(key).inserted else { continue }
            out.append(Self.diagnostic(message, at: span,
                                       notes: service.map { [.init("in master.cf service `\($0.name)`", at: $0.span)] } ?? [],
                                       fix: "end `\(name)` with `reject_unauth_destination`"))
        }
        return out
    }
}
