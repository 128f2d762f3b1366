import ConfigModel
import PostfixConfig

/// `main.cf`: identity, local delivery off, relay, maps, restriction lists with a comment above
/// each entry, content filter, and the platform's paths. Parameters the target Postfix version
/// does not know are never written.
enum MainCfEmitter {
    static func emit(_ g: Gateway, _ plan: RestrictionPlan, _ ctx: EmitContext) throws(EmitError) -> EmittedFile {
        let id = g.identity, p = ctx.paths
        var out = ctx.banner()
        out += "# Postfix \(id.postfix) on \(id.platform.rawValue): inbound spam gateway for \(g.relay.domains.map(\.value).joined(separator: ", ")).\n"
        // Tells `gatewayctl lint` which release's names and defaults to judge this file by.
        out += "# gatewayctl: postfix-version=\(id.postfix)\n"
        if let level = compatibilityLevel(id.postfix) {
            out += "\n# Use this release's safe defaults, and say so (no backwards-compatibility warnings).\n"
            out += "compatibility_level = \(level)\n"
        }

        out += "\n# Identity.\n"
        out += "myhostname = \(id.hostname.value)\n"
        out += "mydomain = \(id.domain.value)\n"
        out += "myorigin = $mydomain\n"
        let banner = try id.banner.map { b throws(EmitError) in try ConfigText.mainCfLiteral(b, at: "gateway.banner") }
        out += "smtpd_banner = \(banner ?? "$myhostname ESMTP $mail_name")\n"
        out += "inet_interfaces = all\n"
        out += "message_size_limit = \(id.messageSizeLimit.bytes)\n"

        if !g.local.enabled {
            out += "\n# Local delivery is off: no local domains, no local users, a clear error for local mail.\n"
            out += "mydestination =\n"
            out += "local_recipient_maps =\n"
            out += "local_transport = error:\(try ConfigText.mainCfLiteral(g.local.message, at: "local.message"))\n"
            out += "alias_maps =\n"
            out += "alias_database =\n"
        }

        if ctx.tableType != .hash {
            out += "\n# Every table is \(ctx.tableType.rawValue) ([gateway] table-type): `postmap FILE` and tables named without\n"
            out += "# a type build and open the same \(ctx.tableType.databaseSuffix) file as the tables below.\n"
            out += "default_database_type = \(ctx.tableType.rawValue)\n"
        }

        out += "\n# Relay: only the inside mail server is trusted; only listed recipients are accepted.\n"
        out += "mynetworks = \(g.relay.trusted.map(\.description).joined(separator: ", "))\n"
        out += "relay_domains = \(g.relay.domains.map(\.value).joined(separator: ", "))\n"
        out += "relay_recipient_maps = \(ctx.tableReference(MapFiles.relayRecipients))\n"
        out += "transport_maps = \(ctx.tableReference(MapFiles.transport))\n"
        if !g.aliases.isEmpty {
            out += "virtual_alias_maps = \(ctx.tableReference(MapFiles.virtualAlias))\n"
        }

        out += "\n# Restrictions, ordered by gatewayctl: cheap checks, relay guard, local tables, policy services, DNS last.\n"
        out += "smtpd_helo_required = \(g.checks.heloRequired ? "yes" : "no")\n"
        for (name, list) in plan.parameters { out += restrictionList(name, list) }

        out += try PostscreenEmitter.mainCf(g, ctx)
        out += try TLSEmitter.mainCf(g, ctx)

        if let cf = g.contentFilter {
            out += "\n# After queue: every accepted message goes through amavisd-new (ClamAV, SpamAssassin).\n"
            out += "content_filter = \(AmavisWiring.transport):\(nextHop(cf.listen))\n"
            out += "# Aliases expand at reinjection, after the filter: amavis sees the original recipients.\n"
            out += "receive_override_options = no_address_mappings\n"
            out += "# The reinjection smtpd (master.cf) takes mail from the amavis host only; named here so\n"
            out += "# its `-o` overrides say what they replace main.cf's lists with.\n"
            out += "\(AmavisWiring.reinjectRestrictions) = permit_mynetworks, reject\n"
        }

        out += try RspamdWiring.mainCf(g)

        if !p.postfixDirectories.isEmpty {
            out += "\n# \(id.platform.rawValue) package layout.\n"
            for s in p.postfixDirectories { out += "\(s.name) = \(s.value)\n" }
        }
        return ctx.file(p.postfix("main.cf"), out)
    }

    /// `name =` then one restriction per continuation line, each under a comment saying why.
    static func restrictionList(_ name: String, _ list: [Restriction]) -> String {
        var out = "\(name) =\n"
        for (i, r) in list.enumerated() {
            out += "    # \(r.why)\n"
            out += "    \(r.text)\(i == list.count - 1 ? "" : ",")\n"
        }
        return out
    }

    /// `[192.168.40.5]:10024`: brackets so Postfix does not look up MX records.
    static func nextHop(_ e: Endpoint) -> String {
        switch e.host {
        case .ip(let a): a.isIPv4 ? "[\(a)]:\(e.port)" : "[ipv6:\(a)]:\(e.port)"
        case .name(let n): "[\(n.value)]:\(e.port)"
        }
    }

    /// `compatibility_level` exists from 3.0; 3.6 and later accept their own version as level.
    static func compatibilityLevel(_ v: PostfixVersion) -> String? {
        if v < PostfixVersion(3, 0) { return nil }
        if v < PostfixVersion(3, 6) { return "2" }
        return "3.6"
    }
}

/// Names shared by main.cf and master.cf for the amavisd-new hop.
enum AmavisWiring {
    /// The master.cf transport main.cf's `content_filter` names.
    static let transport = "smtp-amavis"
    /// The main.cf list the reinjection smtpd's `-o` restriction overrides refer to.
    static let reinjectRestrictions = "amavis_reinject_restrictions"
}
