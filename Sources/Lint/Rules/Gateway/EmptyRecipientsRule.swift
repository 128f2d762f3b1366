import Diagnostics
import ConfigModel

/// GW2105: without a recipient list the gateway accepts mail for any local part.
struct EmptyRecipientsRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW2105", name: "no-recipient-list", severity: .warning,
        summary: "no recipients are listed, so mail for any address in the relay domains is accepted",
        rationale: """
        With an empty `relay_recipient_maps` the gateway accepts mail for every local part of its \
        relay domains; the inside server rejects the unknown ones later and the gateway must bounce \
        them to forged senders (backscatter). The tutorial calls the recipient list a key piece: \
        dictionary attacks die there.
        """,
        triggering: [.gateway("""
            [gateway]
            hostname = spam.example.com
            domain = example.com
            [↓relay]
            domains = example.com
            mail-server = mail.example.com
            """)],
        nonTriggering: [GatewayExample.config()])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        guard case .inline(let list) = document.gateway.recipients, list.isEmpty else { return [] }
        return [Self.diagnostic("no `[recipients]`: every address in the relay domains is accepted",
                                at: document.spans["recipients"] ?? document.span("relay"),
                                fix: "list the real users in `[recipients]`, or `file = PATH` for a long list")]
    }
}
