import ConfigModel

/// amavisd-new: `amavisd.conf` on FreeBSD (a complete file), the conf.d override snippet on
/// Debian (the package's earlier snippets hold the rest). Both wire clamd over its local socket
/// and SpamAssassin, listen on `[content-filter] listen`, accept connections only from the
/// Postfix host, and reinject to `[content-filter] reinject`. `use strict`, as Debian's own
/// snippets do: amavis declares every configuration variable before it reads the file, so a
/// misspelt name stops amavis (and `amavisd test-config`) instead of being ignored.
/// It fails closed: when clamd cannot be asked (socket missing, clamd unable to read the
/// message), `$virus_scanners_failure_is_fatal` makes amavis answer 4xx so Postfix keeps the
/// mail queued, instead of logging `ALL VIRUS SCANNERS FAILED` and passing it unchecked.
enum AmavisConfEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard let cf = g.contentFilter else { return nil }
        let q = { (s: String, at: String) throws(EmitError) -> String in try ConfigText.perlString(s, at: at) }
        var out = ctx.banner() + "use strict;\n"
        let p = ctx.paths
        if g.identity.platform == .freebsd {
            out += "\n# Daemon and directories (FreeBSD port layout).\n"
            out += "$daemon_user  = '\(p.amavisUser)';\n"
            out += "$daemon_group = '\(p.amavisGroup)';\n"
            out += "$MYHOME   = '\(p.amavisHome)';\n"
            out += "$TEMPBASE = \"$MYHOME/tmp\";\n"
            out += "$db_home  = \"$MYHOME/db\";\n"
            out += "$QUARANTINEDIR = '\(p.amavisQuarantine)';\n"
            out += "$pid_file  = \"$MYHOME/amavisd.pid\";\n"
            out += "$lock_file = \"$MYHOME/amavisd.lock\";\n"
            out += "# The port's rc script sends amavis's output to /dev/null: log through syslog.\n"
            out += "$DO_SYSLOG = 1;\n"
            out += "$syslog_facility = 'mail';\n"
        }
        out += "\n# Identity.\n"
        out += "$myhostname = \(try q(g.identity.hostname.value, "gateway.hostname"));\n"
        out += "$mydomain   = \(try q(g.identity.domain.value, "gateway.domain"));\n"
        out += "# Debian derives this header from /etc/mailname before this file runs: say it here.\n"
        out += "$X_HEADER_LINE = \"$myproduct_name at $mydomain\";\n"
        out += "@local_domains_maps = ( [ \(try g.relay.domains.map { d throws(EmitError) in try q("." + d.value, "relay.domains") }.joined(separator: ", ")) ] );\n"
        out += "@mynetworks = qw( \(g.relay.trusted.map(\.description).joined(separator: " ")) );\n"
        let admin = "postmaster@" + (g.relay.domains.first ?? g.identity.domain).value
        out += "# Notifications go to a relayed domain's postmaster, which routes to the inside server.\n"
        if g.identity.platform == .debian {
            out += "# Said here: 20-debian_defaults builds it from /etc/mailname before this file sets $mydomain.\n"
        }
        out += "$virus_admin = \(try q(admin, "relay.domains"));\n"
        out += "$spam_admin  = undef;\n"

        out += "\n# Postfix -> amavis: listen on the content-filter address; only Postfix may connect.\n"
        out += "$max_servers = \(cf.maxServers);   # equals smtp-amavis maxproc in master.cf\n"
        if case .ip(let a) = cf.listen.host { out += "$inet_socket_bind = \(try q(a.description, "content-filter.listen"));\n" }
        out += "$inet_socket_port = \(cf.listen.port);\n"
        out += "@inet_acl = qw( \(acl(g, cf).joined(separator: " ")) );\n"

        out += "\n# amavis -> Postfix: clean mail goes back to the reinjection smtpd.\n"
        out += "$forward_method = \(try q("smtp:" + MainCfEmitter.nextHop(cf.reinject), "content-filter.reinject"));\n"
        out += "$notify_method  = $forward_method;\n"

        out += "\n# Viruses are discarded into the quarantine; spam is tagged and passed to the inside server.\n"
        out += "$final_virus_destiny  = D_DISCARD;\n"
        out += "$final_banned_destiny = D_DISCARD;\n"
        out += "$final_spam_destiny   = D_PASS;\n"

        if let sa = g.spamassassin {
            let s = SpamAssassinLocalCfEmitter.score(sa.requiredScore)
            out += "\n# SpamAssassin: headers on every message, spam flag at [spamassassin] required-score.\n"
            out += "@bypass_spam_checks_maps = (\\%bypass_spam_checks, \\@bypass_spam_checks_acl, \\$bypass_spam_checks_re);\n"
            out += "$sa_tag_level_deflt  = -999;\n"
            out += "$sa_tag2_level_deflt = \(s);\n"
            out += "$sa_kill_level_deflt = \(s);\n"
            out += "$sa_spam_subject_tag = '***SPAM*** ';\n"
        } else {
            out += "\n# No [spamassassin]: spam checks off.\n"
            out += "@bypass_spam_checks_maps = (1);\n"
        }

        if let av = g.antivirus {
            out += "\n# ClamAV: clamd on its local socket (no TCP, no loopback needed).\n"
            out += "@bypass_virus_checks_maps = (\\%bypass_virus_checks, \\@bypass_virus_checks_acl, \\$bypass_virus_checks_re);\n"
            out += "@av_scanners = (\n"
            out += "  ['ClamAV-clamd',\n"
            out += "    \\&ask_daemon, [\"CONTSCAN {}\\n\", \(try q(try ClamdConfEmitter.socket(g, p), "antivirus.socket"))],\n"
            out += "    qr/\\bOK$/m, qr/\\bFOUND$/m,\n"
            out += "    qr/^.*?: (?!Infected Archive)(.*) FOUND$/m ],\n"
            out += ");\n"
            out += "@av_scanners_backup = ();\n"
            out += "# clamd unreachable or unable to read the message: 4xx, Postfix retries; never pass unchecked.\n"
            out += "$virus_scanners_failure_is_fatal = 1;\n"
        } else {
            out += "\n# No [antivirus]: virus checks off.\n"
            out += "@bypass_virus_checks_maps = (1);\n"
        }
        out += "\n1;  # a config file must return true\n"
        return ctx.file(ctx.paths.amavisConf, out)
    }

    /// Who may talk to amavis: the gateway's own addresses (Postfix runs there).
    static func acl(_ g: Gateway, _ cf: ContentFilter) -> [String] {
        var out: [String] = []
        if let ip = g.identity.listenIP { out.append(ip.description) }
        if case .ip(let a) = cf.listen.host { out.append(a.description) }
        if g.identity.loopback { out.append("127.0.0.1") }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }
}
