import Diagnostics
import ConfigModel

/// GW2106: `warn-only` must name a restriction the gateway actually places.
struct WarnOnlyRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW2106", name: "warn-only-not-enabled", severity: .warning,
        summary: "`warn-only` names a restriction that this configuration does not use",
        rationale: """
        `warn-only` puts `warn_if_reject` in front of a restriction while it is being tuned. If the \
        restriction is not enabled, nothing is softened and nothing is tested: usually the check \
        itself was forgotten (e.g. `known-domain` lacks `sender`).
        """,
        triggering: [GatewayExample.config("[checks]\nknown-domain = recipient\nwarn-only = ↓reject_unknown_sender_domain\n")],
        nonTriggering: [GatewayExample.config("[checks]\nknown-domain = sender\nwarn-only = reject_unknown_sender_domain\n")])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        let g = document.gateway
        return g.checks.warnOnly.enumerated().compactMap { i, name in
            guard !Self.enabled(name, in: g) else { return nil }
            return Self.diagnostic("`warn-only` names `\(name)`, which this gateway does not use",
                                   at: document.span("checks.warn-only[\(i)]"),
                                   fix: "enable the check it softens, or remove it from `warn-only`")
        }
    }

    static func enabled(_ name: String, in g: Gateway) -> Bool {
        let c = g.checks
        switch name {
        case "reject_non_fqdn_helo_hostname": return c.fqdn.contains(.helo)
        case "reject_non_fqdn_sender": return c.fqdn.contains(.sender)
        case "reject_non_fqdn_recipient": return c.fqdn.contains(.recipient)
        case "reject_invalid_helo_hostname": return c.invalidHelo
        case "reject_unknown_helo_hostname": return c.knownDomain.contains(.helo)
        case "reject_unknown_client_hostname": return c.knownDomain.contains(.client)
        case "reject_unknown_sender_domain": return c.knownDomain.contains(.sender)
        case "reject_unknown_recipient_domain": return c.knownDomain.contains(.recipient)
        case "reject_multi_recipient_bounce": return c.multiRecipientBounce
        case "reject_rbl_client": return !g.dnsbls.isEmpty
        case "check_client_access": return !g.clients.isEmpty
        case "check_helo_access": return !g.helo.patterns.isEmpty || g.helo.rejectOwnIP != nil || g.helo.rejectOwnHostname != nil
        case "check_sender_access": return !g.senders.entries.isEmpty || g.senders.rejectOwnDomain != nil
        case "check_policy_service": return g.greylisting != nil || g.policydWeight != nil
        default: return true
        }
    }
}
