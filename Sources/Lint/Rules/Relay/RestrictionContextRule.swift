import Diagnostics
import PostfixConfig

/// GW2012: a restriction in a list where its information does not exist yet.
struct RestrictionContextRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2012", name: "restriction-wrong-context", severity: .warning,
        summary: "a restriction tests information its list does not have",
        rationale: """
        With `smtpd_delay_reject = yes` (the default) client, HELO and sender lists run at \
        RCPT time, so any restriction works in them. With `smtpd_delay_reject = no` they run \
        when the command arrives: a HELO check in `smtpd_client_restrictions` or a recipient \
        check in `smtpd_sender_restrictions` sees nothing and never matches. \
        `smtpd_etrn_restrictions` knows only the client and the ETRN domain.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_delay_reject = no\nsmtpd_client_restrictions = ↓reject_non_fqdn_helo_hostname\n"),
            .postfix(mainCf: "smtpd_etrn_restrictions = ↓reject_unknown_sender_domain\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_client_restrictions = reject_non_fqdn_helo_hostname, reject_unknown_sender_domain\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            let delay = scope.bool("smtpd_delay_reject")
            for e in scope.restrictionEntries {
                guard let info = e.info, info.stage != .generic, e.stage != .generic else { continue }
                let span = e.item.span ?? scope.anchor(e.list)
                if e.list == "smtpd_etrn_restrictions" {
                    if info.stage != .client {
                        out.add(Self.diagnostic("`\(info.name)` tests \(info.stage) information, which `smtpd_etrn_restrictions` does not have",
                                                at: span, fix: "remove it from `smtpd_etrn_restrictions`"))
                    }
                    continue
                }
                if !delay, info.stage > e.stage, info.stage != .data {
                    out.add(Self.diagnostic("`\(info.name)` tests \(info.stage) information, which `\(e.list)` does not have with `smtpd_delay_reject = no`",
                                            at: span, fix: "move it to the \(info.stage) list, or set `smtpd_delay_reject = yes`"))
                }
            }
        }
        return out.all
    }
}
