import ConfigModel

/// FreeBSD `rc.conf.local`: enable exactly the services this gateway uses, with sendmail off.
/// rc.conf sources rc.conf.local, so the lines can be dropped in without editing rc.conf.
enum RcConfEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard let path = ctx.paths.rcConf else { return nil }
        var out = ctx.banner()
        out += "sendmail_enable=\"NONE\"\n"
        out += "postfix_enable=\"YES\"\n"
        if let gl = g.greylisting {
            out += "postgrey_enable=\"YES\"\n"
            out += "postgrey_flags=\"\(try PostgreyEmitter.flags(gl))\"\n"
        }
        if g.policydWeight != nil { out += "policyd_weight_enable=\"YES\"\n" }
        if g.antivirus != nil { out += "clamav_clamd_enable=\"YES\"\n" }
        if g.signatures != nil { out += "clamav_freshclam_enable=\"YES\"\n" }
        if g.contentFilter != nil { out += "amavisd_enable=\"YES\"\n" }
        if g.rspamd != nil { out += "rspamd_enable=\"YES\"\n" }
        return ctx.file(path, out)
    }
}
