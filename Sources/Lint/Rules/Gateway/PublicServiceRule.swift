import Diagnostics
import ConfigModel

/// GW6104: internal services must not face the Internet.
struct PublicServiceRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW6104", name: "service-on-public-ip", severity: .warning,
        summary: "an internal service listens on the gateway's public address",
        rationale: """
        postgrey, policyd-weight, clamd and amavisd-new have no authentication: on the public \
        address anyone can query the policy services, scan files with clamd, or inject mail through \
        the reinjection port, which skips every restriction.
        """,
        triggering: [GatewayExample.config(gateway: "public-ip = 203.0.113.25\n",
                                           "[policyd-weight]\nlisten = ↓203.0.113.25:12525\n")],
        nonTriggering: [GatewayExample.config(gateway: "public-ip = 203.0.113.25\n",
                                              "[policyd-weight]\nlisten = 192.168.40.3:12525\n")])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        guard let pub = document.gateway.identity.publicIP else { return [] }
        return document.gateway.serviceAddresses.compactMap { s in
            guard s.host.ip == pub else { return nil }
            return Self.diagnostic("\(s.label) listens on the public address `\(pub)`", at: document.span(s.path),
                                   notes: [.init("`public-ip` set here", at: document.spans["gateway.public-ip"])],
                                   fix: "use the internal `listen-ip`")
        }
    }
}
