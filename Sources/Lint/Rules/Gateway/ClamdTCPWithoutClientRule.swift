import Diagnostics
import ConfigModel

/// GW5105: clamd on TCP with nobody using it.
struct ClamdTCPWithoutClientRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW5105", name: "clamd-tcp-without-remote-client", severity: .warning,
        summary: "`[antivirus] listen` opens clamd on TCP although no remote scanner uses it",
        rationale: """
        amavisd-new asks clamd on its local socket. clamd's TCP protocol has no authentication: \
        any host that reaches the port can scan, read `VERSION`, and stop the daemon with one \
        `zSHUTDOWN`, after which amavis cannot scan at all. gatewayctl emits `TCPAddr` and \
        `TCPSocket` only when `remote-clients` names the hosts that scan over TCP (the packet \
        filter then admits only them); without it `listen` is left out of clamd.conf.
        """,
        triggering: [GatewayExample.config("[antivirus]\nlisten = ↓192.168.40.3\nport = 3310\n")],
        nonTriggering: [
            GatewayExample.config("[antivirus]\nstream-max-length = 25M\n"),
            GatewayExample.config("[antivirus]\nlisten = 192.168.40.3\nremote-clients = 192.168.40.7\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        guard let av = document.gateway.antivirus, let ip = av.listen, av.remoteClients.isEmpty, !ip.isLoopback else { return [] }
        return [Self.diagnostic("clamd would listen on TCP \(ip):\(av.port) with no remote scanner: any host that reaches it can stop clamd; the build leaves TCP out",
                                at: document.span("antivirus.listen"),
                                fix: "remove `listen` and `port` (amavis uses the local socket), or name the scanning hosts in `remote-clients`")]
    }
}
