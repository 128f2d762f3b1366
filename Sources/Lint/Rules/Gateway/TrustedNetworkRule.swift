import Diagnostics
import ConfigModel

/// GW2102: mynetworks must hold the inside mail server, not a LAN or the Internet.
struct TrustedNetworkRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW2102", name: "broad-trusted-network", severity: .warning,
        summary: "a trusted network (mynetworks) is broader than a /24 (IPv6: /64); /0 is an open relay",
        rationale: """
        Every host in `mynetworks` may relay to any destination. The tutorial trusts only the inside \
        mail server (192.168.40.2/32): trusting the whole LAN lets any infected workstation send \
        spam through the gateway, and `0.0.0.0/0` or `::/0` makes it an open relay for the Internet.
        """,
        triggering: [
            GatewayExample.config(trusted: "192.168.40.2/32, ↓10.0.0.0/8"),
            GatewayExample.config(trusted: "↓0.0.0.0/0"),
            GatewayExample.config(trusted: "↓[2001:db8::]/48"),
        ],
        nonTriggering: [
            GatewayExample.config(trusted: "192.168.40.2/32"),
            GatewayExample.config(trusted: "192.168.40.0/24, [2001:db8:1::]/64"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        document.gateway.relay.trusted.enumerated().compactMap { i, net in
            let limit = net.address.isIPv4 ? 24 : 64
            guard net.prefix < limit else { return nil }
            let span = document.span("relay.trusted[\(i)]")
            if net.prefix == 0 {
                return Self.diagnostic("trusted network `\(net)` is the whole Internet: an open relay", at: span,
                                       fix: "trust only the inside mail server, e.g. `192.168.40.2/32`", severity: .error)
            }
            return Self.diagnostic("trusted network `\(net)` lets every host in it relay", at: span,
                                   fix: "trust only the inside mail server (a /32), not the LAN")
        }
    }
}
