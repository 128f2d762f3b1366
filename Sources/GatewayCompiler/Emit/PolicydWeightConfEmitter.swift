import ConfigModel

/// `policyd-weight.conf`: Perl assignments that override policyd-weight's built-in defaults;
/// only the listener changes (the default 127.0.0.1 does not exist in a jail without lo0).
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
        out += "1;\n"
        return ctx.file(ctx.paths.policydWeightConf, out)
    }
}
