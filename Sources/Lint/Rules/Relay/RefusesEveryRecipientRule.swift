import Diagnostics
import PostfixConfig
import Simulate

/// GW2008: a relay-deciding list that refuses every recipient before anything can permit.
struct RefusesEveryRecipientRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2008", name: "refuses-every-recipient", severity: .error,
        summary: "a relay-deciding list starts with `reject` or `defer`: no recipient is ever accepted",
        rationale: """
        smtpd evaluates `smtpd_relay_restrictions` and `smtpd_recipient_restrictions` for every \
        RCPT, and both must let it through. A list whose first restriction is a plain `reject` \
        (or `defer`) refuses every recipient before `permit_mynetworks` or any permit can act: \
        `smtpd_relay_restrictions = reject` answers 554 to your own clients and to mail for your \
        own domains alike. smtpd starts (the list holds a guard), so nothing warns at start-up.
        """,
        triggering: [
            .postfix(mainCf: "compatibility_level = 3.6\nsmtpd_relay_restrictions = ↓reject\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit_mynetworks, reject\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen = Set<String>()
        for service in RelayAnalysis.services(of: config) {
            let scope = config.parameters(for: service)
            for list in Simulator.activeRecipientLists(scope) {
                var items = scope.list(list)[...]
                while items.first?.text == "warn_if_reject" { items = items.dropFirst(2) }
                guard let first = items.first, first.text == "reject" || first.text == "defer" else { continue }
                let span = first.span ?? scope.anchor(list)
                guard seen.insert("\(span)").inserted else { continue }
                out.append(Self.diagnostic("`\(list)` starts with `\(first.text)`: every recipient is refused, your own networks and domains included",
                                           at: span,
                                           notes: service.map { [.init("in master.cf service `\($0.name)`", at: $0.span)] } ?? [],
                                           fix: "end the list with `\(first.text)` after the restrictions that permit, or use `reject_unauth_destination`"))
            }
        }
        return out
    }
}
