import ConfigModel
import PostfixConfig

/// `master.cf`: the standard services of the target Postfix release, `local` disabled when local
/// delivery is off, and the amavisd-new hop (the `smtp-amavis` client transport and the
/// reinjection smtpd on the `[content-filter] reinject` address, never 127.0.0.1 unless given).
/// Nothing runs chrooted: a chroot needs copies of files gatewayctl does not manage.
enum MasterCfEmitter {
    /// service, type, private, unpriv, chroot, wakeup, maxproc, command, first release that has it.
    struct Service {
        var name, type, priv, unpriv, wakeup, maxproc, command: String
        var since: PostfixVersion
        var options: [String] = []
    }

    static let standard: [Service] = [
        Service(name: "smtp", type: "inet", priv: "n", unpriv: "-", wakeup: "-", maxproc: "-", command: "smtpd", since: .init(2, 0)),
        Service(name: "pickup", type: "unix", priv: "n", unpriv: "-", wakeup: "60", maxproc: "1", command: "pickup", since: .init(2, 0)),
        Service(name: "cleanup", type: "unix", priv: "n", unpriv: "-", wakeup: "-", maxproc: "0", command: "cleanup", since: .init(2, 0)),
        Service(name: "qmgr", type: "unix", priv: "n", unpriv: "-", wakeup: "300", maxproc: "1", command: "qmgr", since: .init(2, 0)),
        Service(name: "tlsmgr", type: "unix", priv: "-", unpriv: "-", wakeup: "1000?", maxproc: "1", command: "tlsmgr", since: .init(2, 2)),
        Service(name: "rewrite", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "-", command: "trivial-rewrite", since: .init(2, 0)),
        Service(name: "bounce", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "0", command: "bounce", since: .init(2, 0)),
        Service(name: "defer", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "0", command: "bounce", since: .init(2, 0)),
        Service(name: "trace", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "0", command: "bounce", since: .init(2, 0)),
        Service(name: "verify", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "1", command: "verify", since: .init(2, 1)),
        Service(name: "flush", type: "unix", priv: "n", unpriv: "-", wakeup: "1000?", maxproc: "0", command: "flush", since: .init(2, 0)),
        Service(name: "proxymap", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "-", command: "proxymap", since: .init(2, 0)),
        Service(name: "proxywrite", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "1", command: "proxymap", since: .init(2, 5)),
        Service(name: "smtp", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "-", command: "smtp", since: .init(2, 0)),
        Service(name: "relay", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "-", command: "smtp", since: .init(2, 0)),
        Service(name: "showq", type: "unix", priv: "n", unpriv: "-", wakeup: "-", maxproc: "-", command: "showq", since: .init(2, 0)),
        Service(name: "error", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "-", command: "error", since: .init(2, 0)),
        Service(name: "retry", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "-", command: "error", since: .init(2, 4)),
        Service(name: "discard", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "-", command: "discard", since: .init(2, 2)),
        Service(name: "local", type: "unix", priv: "-", unpriv: "n", wakeup: "-", maxproc: "-", command: "local", since: .init(2, 0)),
        Service(name: "virtual", type: "unix", priv: "-", unpriv: "n", wakeup: "-", maxproc: "-", command: "virtual", since: .init(2, 0)),
        Service(name: "lmtp", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "-", command: "lmtp", since: .init(2, 0)),
        Service(name: "anvil", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "1", command: "anvil", since: .init(2, 2)),
        Service(name: "scache", type: "unix", priv: "-", unpriv: "-", wakeup: "-", maxproc: "1", command: "scache", since: .init(2, 2)),
        Service(name: "postlog", type: "unix-dgram", priv: "n", unpriv: "-", wakeup: "-", maxproc: "1", command: "postlogd", since: .init(3, 4)),
    ]

    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile {
        let v = g.identity.postfix
        var out = ctx.banner()
        out += "# service    type  private unpriv  chroot  wakeup  maxproc command + args\n"
        for s in standard where v >= s.since {
            if s.name == "smtp", s.type == "inet", let rows = PostscreenEmitter.masterCfRows(g) {
                out += rows
                continue
            }
            let line = row(s)
            if s.name == "local" && !g.local.enabled {
                out += "# Local delivery is off ([local] delivery = off): no local(8) daemon.\n#" + line
            } else {
                out += line
            }
        }
        if let cf = g.contentFilter {
            out += try amavis(cf, g, v)
        }
        return ctx.file(ctx.paths.postfix("master.cf"), out)
    }

    static func row(_ s: Service) -> String {
        func col(_ t: String, _ w: Int) -> String { t.count >= w ? t + " " : t + String(repeating: " ", count: w - t.count) }
        var line = col(s.name, 12) + col(s.type, 6) + col(s.priv, 8) + col(s.unpriv, 8) + col("n", 8)
            + col(s.wakeup, 8) + col(s.maxproc, 8) + s.command + "\n"
        for o in s.options { line += "    -o \(o)\n" }
        return line
    }

    /// The content-filter pair: Postfix -> amavis (`smtp-amavis`), amavis -> Postfix (reinjection).
    static func amavis(_ cf: ContentFilter, _ g: Gateway, _ v: PostfixVersion) throws(EmitError) -> String {
        var out = "\n# amavisd-new: Postfix hands accepted mail to amavis at \(cf.listen) ...\n"
        var client = Service(name: AmavisWiring.transport, type: "unix", priv: "-", unpriv: "-", wakeup: "-",
                             maxproc: String(cf.maxServers), command: "smtp", since: .init(2, 0))
        client.options = ["smtp_data_done_timeout=1200", "smtp_send_xforward_command=yes", "max_use=20"]
        out += row(client)

        // The amavis host reinjects; only it may use this listener, and nothing here re-filters.
        var trusted: [String] = []
        for case .ip(let a) in [cf.listen.host, cf.reinject.host] { trusted.append(hostCIDR(a)) }
        if let ip = g.identity.listenIP { trusted.append(hostCIDR(ip)) }
        trusted = trusted.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        let mynet = trusted.isEmpty ? "127.0.0.0/8" : trusted.joined(separator: ",")
        out += "# ... and amavis reinjects clean mail here, unfiltered and without the gateway's checks.\n"
        var reinject = Service(name: try ConfigText.token(cf.reinject.description, at: "content-filter.reinject"),
                               type: "inet", priv: "n", unpriv: "-", wakeup: "-", maxproc: "-", command: "smtpd",
                               since: .init(2, 0))
        // Recipients were validated before the filter; `no_unknown_recipient_checks` below skips
        // the lookups here, so the recipient maps stay as main.cf has them.
        let only = "$" + AmavisWiring.reinjectRestrictions  // permit_mynetworks, reject (main.cf)
        var o = ["content_filter=", "smtpd_restriction_classes=",
                 "smtpd_delay_reject=no", "smtpd_client_restrictions=\(only)",
                 "smtpd_helo_restrictions=", "smtpd_sender_restrictions=",
                 "smtpd_recipient_restrictions=\(only)"]
        if v.hasRelayRestrictions { o.append("smtpd_relay_restrictions=\(only)") }
        o += ["smtpd_data_restrictions=reject_unauth_pipelining", "smtpd_end_of_data_restrictions=",
              "smtpd_helo_required=no", "mynetworks=\(mynet)", "smtpd_authorized_xforward_hosts=\(mynet)",
              "strict_rfc821_envelopes=yes",
              "receive_override_options=no_unknown_recipient_checks,no_header_body_checks"
                + (v >= PostfixVersion(2, 3) ? ",no_milters" : "")]
        reinject.options = o
        out += row(reinject)
        return out
    }

    static func hostCIDR(_ a: IPAddress) -> String { a.isIPv4 ? "\(a)/32" : "[\(a)]/128" }
}
