import ConfigModel

/// `virtual_alias_maps`: `[aliases]` entries (postmaster, abuse), `name address`.
enum VirtualAliasEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard !g.aliases.isEmpty else { return nil }
        var out = ctx.banner()
        for (i, a) in g.aliases.enumerated() {
            out += try ConfigText.mapKey(a.name, at: "aliases[\(i)]") + " " + a.target.description + "\n"
        }
        return ctx.table(ctx.paths.postfix(MapFiles.virtualAlias), out)
    }
}
