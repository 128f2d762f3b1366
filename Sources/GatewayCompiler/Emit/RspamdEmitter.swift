import ConfigModel
import PostfixConfig

/// rspamd's `local.d/` files for `[content-filter] engine = rspamd`: the packaged configuration
/// stays as installed and these files merge into it (rspamd's own layering), so an rspamd
/// upgrade keeps its defaults and the gateway keeps its settings. Written:
/// - `worker-proxy.inc`: the milter Postfix talks to, on `[content-filter] listen`, scanning
///   in-process (`self_scan`), so no other worker needs an address;
/// - `worker-normal.inc` off and `worker-controller.inc` on a local socket: their packaged
///   `localhost` binds fail in a jail without lo0;
/// - `redis.conf`, `greylist.conf`, `actions.conf`, `antivirus.conf` (+ `force_actions.conf`:
///   a clamd that cannot answer tempfails the message instead of passing it unscanned),
///   `options.inc` (trusted networks as local, resolvers), `settings.conf` (the inside server
///   and trusted networks skip every check), `milter_headers.conf` (results for the inside
///   server). SPF, DKIM and DMARC verification are on in the packaged configuration.
enum RspamdEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> [EmittedFile] {
        guard let r = g.rspamd else { return [] }
        let paths = RspamdPaths.forPlatform(g.identity.platform)
        func file(_ name: String, _ body: String) -> EmittedFile { ctx.file(paths.localD + "/" + name, ctx.banner() + body) }
        var files = [
            file("worker-proxy.inc", try workerProxy(r)),
            file("worker-normal.inc", "# The proxy scans itself (self_scan): no separate scanner worker, no localhost bind.\nenabled = false;\n"),
            file("worker-controller.inc", "# rspamc and the web UI only through a local socket: no TCP listener, no localhost bind.\n"
                 + "bind_socket = \"$RUNDIR/controller.sock mode=0600\";\n"),
            file("actions.conf", actions(r)),
            file("options.inc", try options(r)),
            ctx.file(paths.overrideD + "/options.inc", ctx.banner() + localAddrs(g)),
            file("settings.conf", try settings(g)),
            file("milter_headers.conf", milterHeaders),
        ]
        if !r.redis.isEmpty { files.append(file("redis.conf", try redis(r))) }
        files.append(file("greylist.conf", greylist(r)))
        if let av = g.antivirus {
            files.append(file("antivirus.conf", try antivirus(av, r, g, ctx)))
            files.append(file("force_actions.conf", forceActions))
        }
        return files
    }

    static func workerProxy(_ r: Rspamd) throws(EmitError) -> String {
        var out = "# Postfix's smtpd_milters = inet:\(r.milter): the proxy speaks the milter protocol.\n"
        out += "bind_socket = \(try ucl(r.milter.description, at: "content-filter.listen"));\n"
        out += "milter = yes;\n"
        out += "timeout = 120s;\n"
        out += "count = \(r.workers);\n"
        out += "# Scan in this process; no upstream scanner worker on localhost.\n"
        out += "upstream \"local\" {\n  default = yes;\n  self_scan = yes;\n}\n"
        out += "discard_on_reject = false;\n"
        out += "quarantine_on_reject = false;\n"
        out += "spam_header = \"X-Spam\";\n"
        out += "reject_message = \"Spam message rejected\";\n"
        return out
    }

    /// Thresholds from the same scores as SpamAssassin's: add_header at `required-score`.
    static func actions(_ r: Rspamd) -> String {
        var out = "# [spamassassin] required-score tags; [rspamd] reject-score rejects (554 at end of DATA).\n"
        out += "add_header = \(score(r.addHeaderScore));\n"
        out += r.rejectScore.map { "reject = \(score($0));\n" } ?? "# [rspamd] reject-score = off: spam is tagged, never rejected on its score.\nreject = null;\n"
        out += "rewrite_subject = null;\n"
        if let gl = r.greylist {
            out += gl.minimumScore.map { "# Greylist messages scoring \(score($0)) or more ([rspamd] greylist-score).\ngreylist = \(score($0));\n" }
                ?? "# Greylist every new triplet, as postgrey does: the threshold is below any real score.\ngreylist = -100;\n"
        } else {
            out += "# No [greylisting]: never greylist.\ngreylist = null;\n"
        }
        return out
    }

    static func redis(_ r: Rspamd) throws(EmitError) -> String {
        let list = try r.redis.enumerated().map { i, e throws(EmitError) in try plain(e.description, at: "rspamd.redis[\(i)]") }
        var out = "# Greylisting, Bayes and rate limits live here. Several servers shard the keys (each key on\n"
        out += "# one server): every gateway sharing the state must list the same servers in the same order.\n"
        out += "servers = \"\(list.joined(separator: ","))\";\n"
        return out
    }

    static func greylist(_ r: Rspamd) -> String {
        guard let gl = r.greylist else { return "# No [greylisting].\nenabled = false;\n" }
        var out = "# Replaces postgrey: a new (client /19 network, sender, recipients) triplet or message body\n"
        out += "# gets 451 4.7.1 at end of DATA until [greylisting] delay has passed; records live in Redis.\n"
        out += "timeout = \(gl.delay)s;\n"
        out += "expire = \(gl.expiry)s;\n"
        out += "message = \"Greylisted, please try again later\";\n"
        out += "action = \"soft reject\";\n"
        return out
    }

    static func antivirus(_ av: Antivirus, _ r: Rspamd, _ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> String {
        var out = "# clamd ([antivirus]) on its local socket, the one clamd.conf's LocalSocket names.\n"
        out += "clamav {\n"
        out += "  type = \"clamav\";\n"
        out += "  servers = \(try ucl(try ClamdConfEmitter.socket(g, ctx.paths), at: "antivirus.socket"));\n"
        out += "  symbol = \"CLAM_VIRUS\";\n"
        out += "  # [rspamd] virus = \(r.virusAction.rawValue)\n"
        out += "  action = \"\(r.virusAction.rawValue)\";\n"
        out += "  message = '${SCANNER}: virus found: \"${VIRUS}\"';\n"
        out += "  # The whole message, as clamd.conf's StreamMaxLength allows.\n"
        out += "  scan_mime_parts = false;\n"
        out += "  max_size = \(av.streamMaxLength.bytes);\n"
        out += "  log_clean = true;\n"
        out += "}\n"
        return out
    }

    /// A scanner that fails must not pass mail unscanned: tempfail, as amavis does.
    static let forceActions = """
        # A clamd that cannot answer (CLAM_VIRUS_FAIL) defers the message instead of passing it unscanned.
        rules {
          CLAM_VIRUS_FAIL_TEMPFAIL {
            action = "soft reject";
            expression = "CLAM_VIRUS_FAIL";
            message = "Virus scanner unavailable, please try again later";
          }
        }

        """

    /// override.d, not local.d: local.d would merge the list into the packaged one, which holds
    /// every RFC 1918 network, and exempt far more than `[relay] trusted`.
    static func localAddrs(_ g: Gateway) -> String {
        let nets = ["127.0.0.0/8", "::1"] + g.relay.trusted.map(\.description)
        var out = "# rspamd's local addresses (no greylisting): loopback, for mail Postfix itself creates\n"
        out += "# (non_smtpd_milters), and [relay] trusted. Only this key is overridden.\n"
        out += "local_addrs = [\(nets.map { "\"\($0)\"" }.joined(separator: ", "))];\n"
        return out
    }

    static func options(_ r: Rspamd) throws(EmitError) -> String {
        var out = ""
        if !r.dns.isEmpty {
            let list = try r.dns.enumerated().map { i, e throws(EmitError) in try ucl(e.description, at: "rspamd.dns[\(i)]") }
            out += "# [rspamd] dns: a recursive resolver of our own (public resolvers are refused by DNSBLs).\n"
            out += "dns {\n  nameserver = [\(list.joined(separator: ", "))];\n}\n"
        } else {
            out += "# Resolvers: /etc/resolv.conf.\n"
        }
        return out
    }

    /// The inside server and trusted networks are not scanned at all.
    static func settings(_ g: Gateway) throws(EmitError) -> String {
        var nets = g.relay.trusted.map(\.description)
        if case .ip(let a) = g.relay.mailServer.host {
            let host = a.isIPv4 ? "\(a)/32" : "\(a)/128"
            if !nets.contains(host) { nets.append(host) }
        }
        guard !nets.isEmpty else { return "# No trusted networks: every client is scanned.\n" }
        var out = "# The inside mail server and [relay] trusted send without being scanned.\n"
        out += "trusted {\n  priority = high;\n"
        out += "  ip = [\(nets.map { "\"\($0)\"" }.joined(separator: ", "))];\n"
        out += "  want_spam = yes;\n}\n"
        return out
    }

    static let milterHeaders = """
        # The inside server sees the verdict: X-Spam-Status and Authentication-Results (SPF, DKIM, DMARC).
        use = ["x-spam-status", "authentication-results"];

        """

    static func score(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e6 ? "\(Int(v)).0" : String(v)
    }

    /// A UCL double-quoted string; values that would need escaping never get this far (the
    /// reader refused them), so anything odd is an error rather than an escape.
    static func ucl(_ s: String, at keyPath: String) throws(EmitError) -> String { "\"" + (try plain(s, at: keyPath)) + "\"" }

    static func plain(_ s: String, at keyPath: String) throws(EmitError) -> String {
        guard !s.isEmpty, !ConfigText.hasControl(s), !s.contains(where: { $0 == "\"" || $0 == "\\" || $0 == "$" || $0 == "," || $0 == " " }) else {
            throw EmitError("`\(s.escapedForMessage)` cannot be written into rspamd's configuration", at: keyPath, unsafe: true)
        }
        return s
    }
}

/// Where rspamd reads its configuration, and its service names.
public struct RspamdPaths: Equatable, Sendable {
    /// The package's configuration root (`rspamadm configtest -c ROOT/rspamd.conf`).
    public var root: String
    public var localD: String { root + "/local.d" }
    public var overrideD: String { root + "/override.d" }

    public static func forPlatform(_ platform: Platform) -> RspamdPaths {
        switch platform {
        case .freebsd: RspamdPaths(root: "/usr/local/etc/rspamd")
        case .debian: RspamdPaths(root: "/etc/rspamd")
        }
    }
}

/// The Postfix side of the rspamd milter, in main.cf.
enum RspamdWiring {
    static func mainCf(_ g: Gateway) throws(EmitError) -> String {
        guard let r = g.rspamd else { return "" }
        guard g.identity.postfix >= PostfixVersion(2, 6) else {
            throw EmitError("rspamd speaks milter protocol 6, which Postfix \(g.identity.postfix) does not (2.6 or later)",
                            at: "content-filter.engine", fix: "use `engine = amavis`, or target Postfix 2.6 or later")
        }
        let target = try RspamdEmitter.plain(r.milter.description, at: "content-filter.listen")
        var out = "\n# rspamd ([content-filter] engine = rspamd) judges every message during the SMTP session, at the\n"
        out += "# end of DATA: spam score, greylisting, SPF/DKIM/DMARC, ClamAV. No content_filter, no postgrey.\n"
        out += "smtpd_milters = inet:\(target)\n"
        out += "# Mail Postfix itself creates (bounces, notices) is scanned too.\n"
        out += "non_smtpd_milters = $smtpd_milters\n"
        out += "milter_protocol = 6\n"
        out += "milter_mail_macros = i {mail_addr} {client_addr} {client_name} {auth_authen}\n"
        out += "# rspamd down or silent: 451, the sender retries; mail never passes unscanned (fail closed).\n"
        out += "milter_default_action = tempfail\n"
        return out
    }
}
