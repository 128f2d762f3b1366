import Diagnostics
import ConfigModel

/// GW6102: internal services belong on `listen-ip`.
struct ServiceListenAddressRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW6102", name: "service-not-on-listen-ip", severity: .warning,
        summary: "an internal service listens on an address other than the gateway's `listen-ip`",
        rationale: """
        `listen-ip` is the address the gateway's internal services share. A service on another \
        address is either on another host (then Postfix waits for a daemon that is not there) or a \
        typo: the tutorial itself has postgrey on 192.168.40.5 while its jail is 192.168.40.3, and \
        every message then stalls in `check_policy_service` until it times out.
        """,
        triggering: [
            GatewayExample.config(gateway: "listen-ip = 192.168.40.3\n", "[greylisting]\nlisten = ↓192.168.40.5:10023\n"),
            GatewayExample.config(gateway: "listen-ip = 192.168.40.3\n", "[antivirus]\nlisten = ↓192.168.40.5\n"),
        ],
        nonTriggering: [
            GatewayExample.config(gateway: "listen-ip = 192.168.40.3\n", "[greylisting]\nlisten = 192.168.40.3:10023\n"),
            GatewayExample.config("[greylisting]\nlisten = 192.168.40.5:10023\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        guard let listen = document.gateway.identity.listenIP else { return [] }
        return document.gateway.serviceAddresses.compactMap { s in
            guard let ip = s.host.ip, ip != listen, !ip.isLoopback else { return nil }
            return Self.diagnostic("\(s.label) is `\(ip)`, not the gateway's `listen-ip` `\(listen)`",
                                   at: document.span(s.path),
                                   notes: [.init("`listen-ip` set here", at: document.spans["gateway.listen-ip"])],
                                   fix: "use `\(listen)`, or change `listen-ip` if the jail's address moved")
        }
    }
}
