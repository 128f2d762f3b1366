import Diagnostics
import ConfigModel

/// GW5104: ClamAV and SpamAssassin only see mail through amavisd-new.
struct ScannerWithoutFilterRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW5104", name: "scanner-without-content-filter", severity: .warning,
        summary: "`[antivirus]` or `[spamassassin]` without `[content-filter]`",
        rationale: """
        In this design Postfix hands mail to amavisd-new, which calls clamd and SpamAssassin. \
        Without `[content-filter]` no message is ever scanned, although the configuration reads as \
        if it were.
        """,
        triggering: [GatewayExample.config("[↓spamassassin]\nrequired-score = 5.0\n")],
        nonTriggering: [GatewayExample.config(
            "[spamassassin]\nrequired-score = 5.0\n[content-filter]\nlisten = 192.168.40.3:10024\nreinject = 192.168.40.3:10025\n")])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        let g = document.gateway
        guard g.contentFilter == nil, g.rspamd == nil else { return [] }
        var out: [Diagnostic] = []
        if g.antivirus != nil {
            out.append(Self.diagnostic("`[antivirus]` has no effect without `[content-filter]`", at: document.span("antivirus"),
                                       fix: "add `[content-filter]` (amavisd-new) or remove `[antivirus]`"))
        }
        if g.spamassassin != nil {
            out.append(Self.diagnostic("`[spamassassin]` has no effect without `[content-filter]`", at: document.span("spamassassin"),
                                       fix: "add `[content-filter]` (amavisd-new) or remove `[spamassassin]`"))
        }
        return out
    }
}
