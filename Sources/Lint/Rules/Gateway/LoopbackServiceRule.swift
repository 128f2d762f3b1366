import Diagnostics
import ConfigModel

/// GW6101: a jail without lo0 cannot reach 127.0.0.1.
struct LoopbackServiceRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW6101", name: "loopback-service-in-jail", severity: .error,
        summary: "a service uses a loopback address although the gateway has no loopback interface",
        rationale: """
        With `loopback = no` (a FreeBSD jail without lo0, as in the tutorial) nothing can bind or \
        connect to 127.0.0.1 or ::1: postgrey, policyd-weight, clamd and amavisd-new fail to start \
        or Postfix answers `451 4.3.5 Server configuration problem` for every message. Use the \
        jail's address (`listen-ip`) instead.
        """,
        triggering: [
            GatewayExample.config(gateway: "loopback = no\nlisten-ip = 192.168.40.3\n",
                                  "[greylisting]\nlisten = ↓127.0.0.1:10023\n"),
            GatewayExample.config(gateway: "loopback = no\n",
                                  "[content-filter]\nlisten = 192.168.40.3:10024\nreinject = ↓localhost:10025\n"),
        ],
        nonTriggering: [
            GatewayExample.config(gateway: "loopback = no\nlisten-ip = 192.168.40.3\n",
                                  "[greylisting]\nlisten = 192.168.40.3:10023\n"),
            GatewayExample.config(gateway: "loopback = yes\n", "[greylisting]\nlisten = 127.0.0.1:10023\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        let g = document.gateway
        guard !g.identity.loopback else { return [] }
        var used = g.serviceAddresses
        if let ip = g.identity.listenIP { used.append(.init(path: "gateway.listen-ip", label: "`listen-ip`", host: .ip(ip))) }
        used.append(.init(path: "relay.mail-server", label: "`mail-server`", host: g.relay.mailServer.host))
        return used.filter(\.host.isLoopback).map { s in
            Self.diagnostic("\(s.label) uses loopback address `\(s.host)` but `loopback = no`",
                            at: document.span(s.path),
                            notes: [.init("the gateway has no loopback interface", at: document.spans["gateway.loopback"])],
                            fix: g.identity.listenIP.map { "use the jail's address `\($0)`" } ?? "use the jail's own address")
        }
    }
}
