import Diagnostics
import PostfixConfig

/// GW5004: content_filter sends mail to one of Postfix's own smtpd listeners.
struct ContentFilterToReinjectionRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5004", name: "content-filter-to-own-smtpd", severity: .error,
        summary: "`content_filter` points at Postfix's own smtpd instead of the filter",
        rationale: """
        `content_filter = smtp-amavis:[127.0.0.1]:10025` (the re-injection port instead of \
        amavis's 10024) hands every message straight back to Postfix's own smtpd, which \
        accepts it with `content_filter=` cleared: mail flows, and nothing is ever scanned. \
        The filter's port must be the one amavis (or the other filter) listens on, never one \
        of master.cf's smtpd listeners.
        """,
        triggering: [
            .postfix(mainCf: "content_filter = ↓smtp-amavis:[127.0.0.1]:10025\n", [("master.cf", """
            smtp inet n - y - - smtpd
            smtp-amavis unix - - n - 2 smtp
            127.0.0.1:10025 inet n - n - - smtpd
              -o content_filter=
            """)]),
        ],
        nonTriggering: [
            .postfix(mainCf: "content_filter = smtp-amavis:[127.0.0.1]:10024\n", [("master.cf", """
            smtp inet n - y - - smtpd
            smtp-amavis unix - - n - 2 smtp
            127.0.0.1:10025 inet n - n - - smtpd
              -o content_filter=
            """)]),
        ])

    static let loopback: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]", ""]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf, let master = config.masterCf else { return [] }
        var out = DiagnosticSet()
        for scope in [config.parameters(for: nil)] + config.smtpdServices.map({ config.parameters(for: $0) }) {
            let filter = scope.value("content_filter")
            // transport:nexthop, nexthop `[host]:port` or `host:port`.
            guard let colon = filter.firstIndex(of: ":") else { continue }
            let nexthop = filter[filter.index(after: colon)...]
            guard let portText = nexthop.split(separator: ":").last, let port = Int(portText) else { continue }
            var host = String(nexthop.dropLast(portText.count + 1))
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            for s in master.services where s.isSMTPServer && s.type == "inet" && AmavisWiringRule.port(ofService: s.name) == port {
                let parts = s.name.split(separator: ":")
                let listenHost = parts.count > 1 ? String(s.name.dropLast(parts.last!.count + 1)) : ""
                guard listenHost == host || (Self.loopback.contains(host) && Self.loopback.contains(listenHost))
                    || (listenHost.isEmpty) else { continue }
                out.add(Self.diagnostic("`content_filter` sends mail to `\(host):\(port)`, where master.cf's own smtpd `\(s.name)` listens: nothing is scanned",
                                        at: scope.anchor("content_filter"),
                                        notes: [.init("this smtpd receives it", at: s.span)],
                                        fix: "use the port the filter listens on (amavis: `$inet_socket_port`, usually 10024)"))
            }
        }
        return out.all
    }
}
