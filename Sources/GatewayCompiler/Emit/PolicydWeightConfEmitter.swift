import ConfigModel

/// `policyd-weight.conf`: Perl assignments that override policyd-weight's built-in defaults:
/// the listener (the default 127.0.0.1 does not exist in a jail without lo0) and its DNSBL
/// scoring. policyd-weight counts ANY answer from a list as a hit; its packaged lists include
/// pbl and sbl-xbl.spamhaus.org, whose error answers (127.255.255.x for queries through public
/// resolvers) would score clean clients into a 550. It has no reply filter, so it scores no
/// DNSBL or RHSBL here: blocklists are Postfix's `reject_rbl_client` with its filter ([dnsbl]);
/// policyd-weight keeps its HELO, DNS and sender-consistency scoring.
enum PolicydWeightConfEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard let pw = g.policydWeight else { return nil }
        var out = ctx.banner()
        let bind: String
        switch pw.listen.host {
        case .ip(let a): bind = a.description
        case .name(let n): bind = n.value
        }
        out += "$BIND_ADDRESS = \(try ConfigText.perlString(bind, at: "policyd-weight.listen"));\n"
        out += "$TCP_PORT     = \(pw.listen.port);\n"
        out += "# No reply filter exists here: blocklists are scored by Postfix's filtered reject_rbl_client.\n"
        out += "@dnsbl_score = ();\n"
        out += "@rhsbl_score = ();\n"
        out += "1;\n"
        return ctx.file(ctx.paths.policydWeightConf, out)
    }
}
