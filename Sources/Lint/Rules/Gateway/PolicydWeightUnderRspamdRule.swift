import Diagnostics
import ConfigModel

/// GW5140: `[policyd-weight]` with the rspamd engine, which has no equivalent for it.
struct PolicydWeightUnderRspamdRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW5140", name: "policyd-weight-without-rspamd-equivalent", severity: .warning,
        summary: "`[policyd-weight]` with `engine = rspamd`: not built, rspamd has no equivalent",
        rationale: """
        policyd-weight scores the client at RCPT time (DNSBLs, HELO and reverse DNS against the \
        sender's domain) and rejects before any data is sent. rspamd has no such stage: its RBL \
        and hfilter modules score similar signals, but only at the end of DATA, inside the \
        milter, added to the message's score, not as a verdict of their own. gatewayctl builds no \
        policyd-weight next to rspamd (the rspamd stack is one milter); the section is left \
        unused, and this finding says so rather than dropping it silently.
        """,
        triggering: [GatewayExample.config(
            "[↓policyd-weight]\nlisten = 192.168.40.3:12525\n[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n[rspamd]\nredis = 192.168.40.3:6379\n")],
        nonTriggering: [
            GatewayExample.config("[policyd-weight]\nlisten = 192.168.40.3:12525\n"),
            GatewayExample.config("[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        guard document.gateway.rspamd != nil, let span = document.spans["policyd-weight"] else { return [] }
        return [Self.diagnostic("`[policyd-weight]` is not built with `engine = rspamd`: rspamd has no RCPT-time client scoring; "
                                + "its RBL and hfilter modules weigh similar signals only at the end of DATA",
                                at: span, fix: "remove `[policyd-weight]` (rspamd's scores replace it), or keep `engine = amavis`")]
    }
}
