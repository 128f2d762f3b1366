import Diagnostics
import PostfixConfig

/// GW2013: HELO restrictions without `smtpd_helo_required = yes`.
struct HeloRequiredRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2013", name: "helo-not-required", severity: .warning,
        summary: "HELO restrictions are configured but clients may skip HELO",
        rationale: """
        HELO restrictions only see a HELO that was sent. With `smtpd_helo_required = no` (the \
        default) a client that goes straight to MAIL FROM skips every HELO check; spam bots \
        that do not say HELO pass checks that well-behaved senders get.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_helo_restrictions = ↓reject_invalid_helo_hostname\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_helo_required = yes\nsmtpd_helo_restrictions = reject_invalid_helo_hostname\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes where !scope.bool("smtpd_helo_required") {
            let helo = scope.restrictionEntries.filter { $0.info?.stage == .helo || ($0.list == "smtpd_helo_restrictions" && $0.isTable) }
            guard let first = helo.first else { continue }
            var notes: [Diagnostic.Note] = []
            if let s = scope.origin("smtpd_helo_required")?.valueSpan { notes.append(.init("`smtpd_helo_required` is `no` here", at: s)) }
            out.add(Self.diagnostic("`\(first.item.text)` only runs for clients that send HELO, and `smtpd_helo_required` is off",
                                    at: first.item.span ?? scope.anchor(first.list), notes: notes,
                                    fix: "set `smtpd_helo_required = yes`"))
        }
        return out.all
    }
}
