import ConfigModel
import PostfixConfig

/// `[postscreen]`: the main.cf block, the four master.cf services that replace `smtp inet ...
/// smtpd`, and the two small tables (the allowlist and the DQS reply map). Nothing is emitted
/// when the section is absent or says `enabled = no`.
///
/// Both tables are text tables (cidr, texthash) that Postfix reads as they are: no `.db`, so a
/// key change takes effect on `postfix reload` without a map build.
enum PostscreenEmitter {
    static let accessTable = "postscreen_access.cidr"
    static let replyTable = "postscreen_dnsbl_reply"

    /// The postscreen settings that apply, or nil when postscreen is off.
    static func active(_ g: Gateway) -> Postscreen? {
        guard let p = g.postscreen, p.enabled else { return nil }
        return p
    }

    /// Zones postscreen asks (by their public name); smtpd does not ask them a second time.
    static func zonesAsked(_ g: Gateway) -> Set<DomainName> {
        // With `ignore`, postscreen only logs its verdict: smtpd's reject_rbl_client stays.
        guard let p = active(g), p.dnsblAction != .ignore else { return [] }
        return Set(p.effectiveSites(dnsbls: g.dnsbls).filter { $0.weight > 0 }.map(\.zone))
    }

    static func mainCf(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> String {
        guard let p = active(g) else { return "" }
        let sites = p.effectiveSites(dnsbls: g.dnsbls)
        var out = "\n# postscreen answers port 25 (master.cf) and passes only clients that survive these tests\n"
        out += "# to smtpd. Trusted networks and the inside server skip them.\n"
        out += "postscreen_access_list = permit_mynetworks"
        if !allowed(g, p).isEmpty { out += ", cidr:" + ctx.paths.postfix(accessTable) }
        out += "\n"
        if sites.isEmpty {
            out += "# No DNS lists: [postscreen] lists no zone and [dnsbl] is empty.\n"
        } else {
            out += "# Weighted DNS lists; a client whose weights add up to the threshold is refused. A negative\n"
            out += "# weight is an allowlist. Reply filters keep error codes (127.255.255.x) from counting.\n"
            if !zonesAsked(g).isEmpty {
                out += "# smtpd does not ask these zones again (no reject_rbl_client for them): postscreen\n"
                out += "# already refused every client they list, and caches the answer.\n"
            }
            out += "postscreen_dnsbl_sites =\n"
            for (i, s) in sites.enumerated() {
                var item = try ConfigText.token(p.queriedZone(s.zone), at: "postscreen.sites[\(i)]")
                if let f = s.replyFilter { item += "=" + (try ConfigText.token(f, at: "postscreen.sites[\(i)]")) }
                if s.weight != 1 { item += "*\(s.weight)" }
                out += "    \(item)\(i == sites.count - 1 ? "" : ",")\n"
            }
            out += "postscreen_dnsbl_threshold = \(p.threshold)\n"
            out += "postscreen_dnsbl_action = \(p.dnsblAction.rawValue)\n"
        }
        if p.dqsKey != nil, sites.contains(where: { p.queriedZone($0.zone) != $0.zone.value }) {
            out += "# The DQS key is part of the zone; replies name the public zone instead, so it never leaks.\n"
            out += "postscreen_dnsbl_reply_map = texthash:\(ctx.paths.postfix(replyTable))\n"
        }
        out += "# A client that talks before the greeting is a bot that does not wait for the server.\n"
        out += "postscreen_greet_action = \(p.pregreetAction.rawValue)\n"
        if ctx.tableType == TableType.cacheType(ctx.tableType) {
            out += "# Verdicts are cached, as the gateway's other tables, under data_directory (writable by postfix).\n"
        } else {
            out += "# Verdicts are cached under data_directory (writable by postfix), in \(cacheType(ctx)): postscreen\n"
            out += "# updates its cache, and a \(ctx.tableType.rawValue) table is read-only.\n"
        }
        out += "postscreen_cache_map = \(cacheType(ctx)):$data_directory/postscreen_cache\n"
        return out
    }

    /// The table type of postscreen's and tlsmgr's caches: the type the gateway's own tables use,
    /// except cdb, which is read-only (TableType.cacheType: btree, Postfix's cache default).
    static func cacheType(_ ctx: EmitContext) -> String { TableType.cacheType(ctx.tableType).rawValue }

    /// master.cf rows in place of `smtp inet ... smtpd`, or nil when postscreen is off.
    static func masterCfRows(_ g: Gateway) -> String? {
        guard active(g) != nil else { return nil }
        func service(_ name: String, _ type: String, _ priv: String, _ maxproc: String, _ command: String) -> MasterCfEmitter.Service {
            .init(name: name, type: type, priv: priv, unpriv: "-", wakeup: "-", maxproc: maxproc, command: command,
                  since: .init(2, 8))
        }
        var out = "# postscreen answers port 25 and hands clients that pass to smtpd ([postscreen]).\n"
        out += MasterCfEmitter.row(service("smtp", "inet", "n", "1", "postscreen"))
        out += MasterCfEmitter.row(service("smtpd", "pass", "-", "-", "smtpd"))
        out += MasterCfEmitter.row(service("dnsblog", "unix", "-", "0", "dnsblog"))
        out += MasterCfEmitter.row(service("tlsproxy", "unix", "-", "0", "tlsproxy"))
        return out
    }

    /// Networks in the cidr allowlist besides mynetworks: the inside server (when given by
    /// address and not already trusted) and `[postscreen] allow`.
    static func allowed(_ g: Gateway, _ p: Postscreen) -> [String] {
        var out: [String] = []
        if case .ip(let a) = g.relay.mailServer.host, !g.relay.trusted.contains(where: { $0.contains(a) }) {
            out.append(a.isIPv4 ? "\(a)/32" : "\(a)/128")
        }
        out += p.allow.map { "\($0.address)/\($0.prefix)" }
        return out
    }

    static func files(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> [EmittedFile] {
        guard let p = active(g) else { return [] }
        var files: [EmittedFile] = []
        let allow = allowed(g, p)
        if !allow.isEmpty {
            var out = ctx.banner() + "# postscreen_access_list: these clients skip postscreen's tests.\n"
            for net in allow { out += "\(net) permit\n" }
            files.append(ctx.file(ctx.paths.postfix(accessTable), out))
        }
        let renamed = p.effectiveSites(dnsbls: g.dnsbls).filter { p.queriedZone($0.zone) != $0.zone.value }
        if !renamed.isEmpty {
            var out = ctx.banner() + "# postscreen_dnsbl_reply_map: the zone with the DQS key -> the name replies show.\n"
            var seen: Set<String> = []
            for s in renamed where seen.insert(s.zone.value).inserted {
                out += "\(p.queriedZone(s.zone)) \(s.zone.value)\n"
            }
            // 0644 like main.cf, which holds the key in postscreen_dnsbl_sites anyway: the point is
            // that SMTP replies, seen by every client, do not.
            files.append(ctx.file(ctx.paths.postfix(replyTable), out))
        }
        return files
    }
}
