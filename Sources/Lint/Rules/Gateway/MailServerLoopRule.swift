import Diagnostics
import ConfigModel

/// GW2103: the inside mail server must not be the gateway itself.
struct MailServerLoopRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW2103", name: "mail-server-is-gateway", severity: .error,
        summary: "`mail-server` names the gateway itself",
        rationale: """
        The transport sends accepted mail to `mail-server`. If that is the gateway's own hostname or \
        address, Postfix delivers to itself and bounces every message with `mail for ... loops back \
        to myself`.
        """,
        triggering: [
            .gateway("""
            [gateway]
            hostname = spam.example.com
            domain = example.com
            [relay]
            domains = example.com
            mail-server = ↓spam.example.com
            [recipients]
            usuario1@example.com
            """),
        ],
        nonTriggering: [GatewayExample.config()])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        let g = document.gateway
        let own: Bool
        switch g.relay.mailServer.host {
        case .name(let n): own = n == g.identity.hostname
        case .ip(let a): own = a == g.identity.publicIP || a == g.identity.listenIP
        }
        guard own else { return [] }
        return [Self.diagnostic("`mail-server` `\(g.relay.mailServer.host)` is the gateway itself: mail would loop",
                                at: document.span("relay.mail-server"), fix: "name the inside mail server, e.g. `mail.example.com`")]
    }
}
