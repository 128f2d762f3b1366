import ConfigModel

/// postgrey's options. Debian reads them from /etc/default/postgrey; on FreeBSD they are
/// `postgrey_flags` in rc.conf (see `RcConfEmitter`).
enum PostgreyEmitter {
    /// `--inet=192.168.40.5:10023 --delay=300`.
    static func flags(_ gl: Greylisting) throws(EmitError) -> String {
        let inet = try ConfigText.shellWord(gl.listen.description, at: "greylisting.listen")
        return "--inet=\(inet) --delay=\(gl.delay)"
    }

    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard let gl = g.greylisting, let path = ctx.paths.postgreyDefaults else { return nil }
        var out = ctx.banner()
        out += "POSTGREY_OPTS=\"\(try flags(gl))\"\n"
        return ctx.file(path, out)
    }
}
