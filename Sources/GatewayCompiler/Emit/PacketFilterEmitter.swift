import ConfigModel

/// The jail's packet filter: SMTP from anywhere, the internal services (postgrey,
/// policyd-weight, amavis, the reinjection smtpd, clamd's TCP port when it has one) only from
/// the gateway's own addresses and the inside server (`[relay] trusted`), and clamd's port
/// also from `[antivirus] remote-clients`. Without it any LAN host can pre-seed the greylist,
/// inject mail past the filter on the reinjection port, or stop clamd.
/// Debian: an nftables file (`nft -f`, idempotent: it replaces its own table). FreeBSD: a pf
/// anchor, loaded on the jail's host (pf does not run inside a classic jail).
enum PacketFilterEmitter {
    /// One internal listener: its port and who may connect.
    struct Service {
        var name: String
        var port: Int
        var extraSources: [String] = []
    }

    static func services(_ g: Gateway) -> [Service] {
        var out: [Service] = []
        if let gl = g.greylisting { out.append(Service(name: "postgrey", port: gl.listen.port)) }
        if let pw = g.policydWeight { out.append(Service(name: "policyd-weight", port: pw.listen.port)) }
        if let cf = g.contentFilter {
            out.append(Service(name: "amavisd-new", port: cf.listen.port))
            out.append(Service(name: "reinjection smtpd", port: cf.reinject.port))
        }
        if let r = g.rspamd { out.append(Service(name: "rspamd milter", port: r.milter.port)) }
        if let av = g.antivirus, !av.remoteClients.isEmpty {
            out.append(Service(name: "clamd", port: av.port, extraSources: av.remoteClients.map(\.description)))
        }
        return out
    }

    /// The gateway's own addresses and the inside server, split by family.
    static func sources(_ g: Gateway) -> (v4: [String], v6: [String]) {
        var v4: [String] = [], v6: [String] = []
        func add(_ s: String, ipv4: Bool) {
            if ipv4 { if !v4.contains(s) { v4.append(s) } } else if !v6.contains(s) { v6.append(s) }
        }
        for a in [g.identity.listenIP, g.identity.publicIP].compactMap({ $0 }) { add(a.description, ipv4: a.isIPv4) }
        for s in g.serviceHosts { add(s.description, ipv4: s.isIPv4) }
        for c in g.relay.trusted { add(c.description, ipv4: c.address.isIPv4) }
        return (v4, v6)
    }

    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        let services = services(g)
        guard !services.isEmpty else { return nil }
        switch g.identity.platform {
        case .debian: return ctx.file(ctx.paths.packetFilter, nftables(g, services, ctx))
        case .freebsd: return ctx.file(ctx.paths.packetFilter, pf(g, services, ctx))
        }
    }

    static func nftables(_ g: Gateway, _ services: [Service], _ ctx: EmitContext) -> String {
        let (v4, v6) = sources(g)
        var out = ctx.banner()
        out += "# Load: nft -f \(ctx.paths.packetFilter) (host-setup.sh does, and includes it from /etc/nftables.conf).\n"
        out += "# Re-loading replaces the table: the first two lines make `delete` safe when it is absent.\n"
        out += "table inet gatewayctl\n"
        out += "delete table inet gatewayctl\n"
        out += "table inet gatewayctl {\n"
        out += "    chain input {\n"
        out += "        type filter hook input priority filter; policy accept;\n"
        out += "        iif \"lo\" accept\n"
        out += "        # SMTP from anywhere.\n"
        out += "        tcp dport 25 accept\n"
        for s in services {
            out += "        # \(s.name): the gateway itself and the inside server only.\n"
            let s4 = v4 + s.extraSources.filter { !$0.contains(":") }
            let s6 = v6 + s.extraSources.filter { $0.contains(":") }
            if !s4.isEmpty { out += "        ip saddr { \(s4.joined(separator: ", ")) } tcp dport \(s.port) accept\n" }
            if !s6.isEmpty { out += "        ip6 saddr { \(s6.joined(separator: ", ")) } tcp dport \(s.port) accept\n" }
            out += "        tcp dport \(s.port) reject with tcp reset\n"
        }
        out += "    }\n"
        out += "}\n"
        return out
    }

    static func pf(_ g: Gateway, _ services: [Service], _ ctx: EmitContext) -> String {
        let (v4, v6) = sources(g)
        let own = v4 + v6
        var out = ctx.banner()
        out += "# A pf anchor for the jail's HOST (pf does not run inside a classic jail). Load it with\n"
        out += "#   pfctl -a gatewayctl -f \(ctx.paths.packetFilter)\n"
        out += "# after adding `anchor \"gatewayctl\"` to the host's /etc/pf.conf (before its pass rules).\n"
        let gateway = g.identity.listenIP?.description ?? "any"
        out += "gateway = \"\(gateway)\"\n"
        out += "trusted = \"{ \(own.joined(separator: " ")) }\"\n"
        out += "pass in quick proto tcp to $gateway port 25\n"
        for s in services {
            out += "# \(s.name)\n"
            out += "pass in quick proto tcp from $trusted to $gateway port \(s.port)\n"
            if !s.extraSources.isEmpty {
                out += "pass in quick proto tcp from { \(s.extraSources.joined(separator: " ")) } to $gateway port \(s.port)\n"
            }
            out += "block return in quick proto tcp to $gateway port \(s.port)\n"
        }
        return out
    }
}

extension Gateway {
    /// IP addresses the internal services listen on (they are the gateway's own).
    var serviceHosts: [IPAddress] {
        var out: [IPAddress] = []
        for h in [greylisting?.listen.host, policydWeight?.listen.host, contentFilter?.listen.host, contentFilter?.reinject.host] {
            if case .ip(let a)? = h, !a.isLoopback { out.append(a) }
        }
        if let a = antivirus?.listen, !a.isLoopback { out.append(a) }
        return out
    }
}
