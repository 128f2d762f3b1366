import Diagnostics
import ConfigModel

/// GW6103: two services cannot listen on one address and port.
struct ServicePortConflictRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW6103", name: "service-port-conflict", severity: .error,
        summary: "two services listen on the same address and port",
        rationale: """
        Only one daemon can bind an address and port: the second fails to start, and Postfix sends \
        its policy queries or filtered mail to the wrong program (postgrey answering amavisd-new's \
        SMTP, for instance), which fails every message.
        """,
        triggering: [
            GatewayExample.config("[greylisting]\nlisten = 192.168.40.3:10023\n[policyd-weight]\nlisten = ↓192.168.40.3:10023\n"),
        ],
        nonTriggering: [
            GatewayExample.config("[greylisting]\nlisten = 192.168.40.3:10023\n[policyd-weight]\nlisten = 192.168.40.3:12525\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        var seen: [String: ServiceAddress] = [:]
        var out: [Diagnostic] = []
        for s in document.gateway.serviceAddresses {
            guard let port = s.port else { continue }
            let key = "\(s.host):\(port)"
            if let first = seen[key] {
                out.append(Self.diagnostic("\(s.label) uses `\(key)`, already taken by \(first.label)",
                                           at: document.span(s.path),
                                           notes: [.init("first used here", at: document.spans[first.path])],
                                           fix: "give each service its own port"))
            } else {
                seen[key] = s
            }
        }
        return out
    }
}
