import Diagnostics
import PostfixConfig

/// GW5041: Postfix's milter address is not where rspamd's proxy worker listens.
struct RspamdMilterAddressRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW5041", name: "rspamd-milter-address", severity: .error,
        summary: "`smtpd_milters` does not name the address rspamd's proxy worker binds",
        rationale: """
        rspamd answers milter requests on its proxy worker's `bind_socket` (local.d/\
        worker-proxy.inc; the package binds localhost:11332). When Postfix's `smtpd_milters` \
        names another host or port, every connection to the milter fails, and Postfix applies \
        `milter_default_action` to every message: with `tempfail` all mail is deferred, with \
        `accept` all mail passes unscanned.
        """,
        triggering: [
            RuleExample([("postfix/main.cf", "smtpd_milters = ↓inet:192.168.40.3:11333\n"),
                         ("rspamd/local.d/worker-proxy.inc", "bind_socket = \"192.168.40.3:11332\";\nmilter = yes;\n")]),
        ],
        nonTriggering: [
            RuleExample([("postfix/main.cf", "smtpd_milters = inet:192.168.40.3:11332\n"),
                         ("rspamd/local.d/worker-proxy.inc", "bind_socket = \"192.168.40.3:11332\";\nmilter = yes;\n")]),
            RuleExample([("postfix/main.cf", "smtpd_milters = inet:localhost:11332\n"),
                         ("rspamd/local.d/worker-proxy.inc", "milter = yes;\n")]),
            // A wildcard bind answers on every address.
            RuleExample([("postfix/main.cf", "smtpd_milters = inet:192.168.40.3:11332\n"),
                         ("rspamd/local.d/worker-proxy.inc", "bind_socket = \"*:11332\";\n")]),
        ])

    /// `host:port` as Postfix writes an inet milter, lower-cased, loopback names unified.
    static func normalized(_ s: String) -> (host: String, port: String)? {
        var t = s.lowercased()
        if t.hasPrefix("inet:") { t.removeFirst(5) }
        guard let colon = t.lastIndex(of: ":") else { return nil }
        var host = String(t[..<colon]), port = String(t[t.index(after: colon)...])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "127.0.0.1" || host == "::1" { host = "localhost" }
        if let space = port.firstIndex(of: " ") { port = String(port[..<space]) }
        return (host, port)
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let rspamd = RspamdFiles(config) else { return [] }
        // The package's own bind when local.d does not set one.
        let binds = (rspamd.values("bind_socket", in: "worker-proxy.inc")?.values ?? ["localhost:11332"]).compactMap(Self.normalized)
        guard !binds.isEmpty else { return [] }
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            let items = scope.list("smtpd_milters").filter { $0.text.lowercased().hasPrefix("inet:") }
            guard !items.isEmpty else { continue }
            let reached = items.contains { item in
                guard let m = Self.normalized(item.text) else { return false }
                return binds.contains { $0.port == m.port && ($0.host == m.host || $0.host == "*" || $0.host == "0.0.0.0" || $0.host == "::") }
            }
            guard !reached, let first = items.first else { continue }
            let where_ = binds.map { "\($0.host):\($0.port)" }.joined(separator: ", ")
            out.add(Self.diagnostic("`\(first.text)` is not where rspamd's proxy worker listens (`\(where_)`): every milter connection fails",
                                    at: first.span ?? scope.anchor("smtpd_milters"),
                                    fix: "make `smtpd_milters` and worker-proxy.inc's `bind_socket` the same address"))
        }
        return out.all
    }
}
