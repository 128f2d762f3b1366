import Diagnostics
import ConfigModel

/// GW2104: myhostname is expected inside mydomain.
struct HostnameDomainRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW2104", name: "hostname-outside-domain", severity: .warning,
        summary: "`hostname` is not inside `domain`",
        rationale: """
        Postfix derives `mydomain` from `myhostname` by default and the HELO, banner and bounce \
        addresses use both. A hostname outside the domain usually means one of the two is a typo, \
        and the gateway then announces a name its DNS does not confirm.
        """,
        triggering: [
            .gateway("""
            [gateway]
            hostname = ↓spam.example.net
            domain = example.com
            [relay]
            domains = example.com
            mail-server = mail.example.com
            [recipients]
            usuario1@example.com
            """),
        ],
        nonTriggering: [GatewayExample.config()])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        let id = document.gateway.identity
        guard !id.hostname.isWithin(id.domain) else { return [] }
        return [Self.diagnostic("hostname `\(id.hostname)` is not inside domain `\(id.domain)`",
                                at: document.span("gateway.hostname"),
                                notes: [.init("domain set here", at: document.spans["gateway.domain"])],
                                fix: "use a hostname such as `spam.\(id.domain)`")]
    }
}
