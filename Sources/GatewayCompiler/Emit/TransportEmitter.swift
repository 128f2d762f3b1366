import ConfigModel

/// `transport`: every relay domain goes to the inside mail server (`example.com smtp:[mail.example.com]`).
enum TransportEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile {
        var out = ctx.banner()
        let hop = try ConfigText.token(g.relay.mailServer.description, at: "relay.mail-server")
        for d in g.relay.domains { out += "\(d.value) \(hop)\n" }
        return ctx.table(ctx.paths.postfix(MapFiles.transport), out)
    }
}
