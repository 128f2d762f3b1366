import ConfigModel

/// `access_clients`: check_client_access entries from `[clients]` (hostname, domain or IP -> action).
enum ClientAccessEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard !g.clients.isEmpty else { return nil }
        var out = ctx.banner()
        for (i, e) in g.clients.enumerated() {
            let at = "clients[\(i)]"
            out += try ConfigText.mapKey(e.key, at: at) + " " + ConfigText.mapValue(e.action.description, at: at) + "\n"
        }
        return ctx.table(ctx.paths.postfix(MapFiles.clientAccess), out)
    }
}
