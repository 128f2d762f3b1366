import Diagnostics
import ConfigModel

/// What several gateway rules ask of a document: the internal services and their addresses.
struct ServiceAddress {
    /// Key path of the value in gateway.conf, e.g. `greylisting.listen`.
    var path: String
    /// How a finding names it, e.g. `[greylisting] listen`.
    var label: String
    var host: Endpoint.Host
    var port: Int? = nil
}

extension Gateway {
    /// Every address an internal service binds or is reached at (not the inside mail server).
    var serviceAddresses: [ServiceAddress] {
        var out: [ServiceAddress] = []
        if let g = greylisting {
            out.append(.init(path: "greylisting.listen", label: "`[greylisting] listen`", host: g.listen.host, port: g.listen.port))
        }
        if let p = policydWeight {
            out.append(.init(path: "policyd-weight.listen", label: "`[policyd-weight] listen`", host: p.listen.host, port: p.listen.port))
        }
        if let a = antivirus, let ip = a.listen {
            out.append(.init(path: "antivirus.listen", label: "`[antivirus] listen`", host: .ip(ip), port: a.port))
        }
        if let c = contentFilter {
            out.append(.init(path: "content-filter.listen", label: "`[content-filter] listen`", host: c.listen.host, port: c.listen.port))
            out.append(.init(path: "content-filter.reinject", label: "`[content-filter] reinject`",
                             host: c.reinject.host, port: c.reinject.port))
        }
        if let r = rspamd {
            out.append(.init(path: "content-filter.listen", label: "`[content-filter] listen` (rspamd's milter)",
                             host: r.milter.host, port: r.milter.port))
        }
        return out
    }
}

extension Endpoint.Host {
    var isLoopback: Bool {
        switch self {
        case .ip(let a): a.isLoopback
        case .name(let n): n.value == "localhost" || n.value.hasSuffix(".localhost")
        }
    }

    var ip: IPAddress? { if case .ip(let a) = self { a } else { nil } }
}

/// Builds the gateway.conf texts of rule examples around a small valid gateway, so each
/// example shows only what matters to its rule.
enum GatewayExample {
    static func config(gateway: String = "", relay: String = "", trusted: String = "192.168.40.2/32",
                       recipients: String = "usuario1@example.com\n", _ rest: String = "") -> RuleExample {
        .gateway("""
        [gateway]
        hostname = spam.example.com
        domain = example.com
        \(gateway)
        [relay]
        domains = example.com
        mail-server = mail.example.com
        trusted = \(trusted)
        \(relay)
        [recipients]
        \(recipients)
        \(rest)
        """)
    }
}
