import Diagnostics
import PostfixConfig

/// GW5003: the postgrey port in check_policy_service differs from postgrey's listener.
struct PostgreyPortRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5003", name: "postgrey-port-mismatch", severity: .error,
        summary: "`check_policy_service` points at a port postgrey does not listen on",
        rationale: """
        postgrey has no built-in port: it listens where `--inet=` (Debian: POSTGREY_OPTS in \
        /etc/default/postgrey) says. When Postfix queries another port the policy lookup fails \
        and, after `smtpd_policy_service_try_limit` tries, every RCPT gets `451 4.3.5 Server \
        configuration problem`: all mail is deferred.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service ↓inet:127.0.0.1:60000\n",
                     [("postgrey", "POSTGREY_OPTS=\"--inet=10023\"\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service inet:127.0.0.1:10023\n",
                     [("postgrey", "POSTGREY_OPTS=\"--inet=10023\"\n")]),
        ])

    /// `--inet=[host:]port` from a Debian defaults file or a FreeBSD rc.conf line.
    static func listener(_ text: String) -> (host: String?, port: Int)? {
        guard let r = text.firstRange(of: "--inet=") ?? text.firstRange(of: "--inet ") else { return nil }
        let spec = text[r.upperBound...].prefix { !$0.isWhitespace && $0 != "\"" && $0 != "'" }
        let parts = spec.split(separator: ":")
        guard let port = parts.last.flatMap({ Int($0) }) else { return nil }
        return (parts.count > 1 ? String(parts.dropLast().joined(separator: ":")) : nil, port)
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        let candidates = ["postgrey", "default/postgrey", "../default/postgrey", "rc.conf", "../rc.conf"]
        var listen: (host: String?, port: Int)?
        for c in candidates {
            if let bytes = config.readFile(PostfixConfigSet.joinPath(config.root, c)),
               let l = Self.listener(String(decoding: bytes, as: UTF8.self)) { listen = l; break }
        }
        guard let listen else { return [] }
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            var policies: [(endpoint: String, port: Int, span: SourceSpan)] = []
            for e in scope.restrictionEntries where e.item.text == "check_policy_service" {
                guard let arg = e.argument else { continue }
                let endpoint = PostfixList.ungroup(arg.text).split(whereSeparator: { $0 == "," || $0 == " " }).first.map(String.init) ?? ""
                guard endpoint.hasPrefix("inet:"), let port = endpoint.split(separator: ":").last.flatMap({ Int($0) }) else { continue }
                policies.append((endpoint, port, arg.span ?? scope.anchor(e.list)))
            }
            // Some policy service uses postgrey's port: wired. Otherwise every inet policy
            // service except policyd-weight's (12525) is the misdirected postgrey.
            guard !policies.isEmpty, !policies.contains(where: { $0.port == listen.port }) else { continue }
            for p in policies where p.port != 12525 {
                out.add(Self.diagnostic("`check_policy_service \(p.endpoint)` queries port \(p.port), but postgrey listens on \(listen.port)",
                                        at: p.span, fix: "use `inet:\(listen.host ?? "127.0.0.1"):\(listen.port)`"))
            }
        }
        return out.all
    }
}
