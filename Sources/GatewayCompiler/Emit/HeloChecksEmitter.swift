import ConfigModel

/// `helo_checks` (pcre): rules generated from our own identity first, then the user's patterns.
/// Generated patterns escape every regex metacharacter of the name or address, so
/// 203.0.113.25 becomes `/^203\.0\.113\.25$/` and `/^\[203\.0\.113\.25\]$/` (the tutorial's
/// hand-written `/^\[W.X.Y\.Z\]$/` left dots unescaped and matched other addresses).
enum HeloChecksEmitter {
    static func hasRules(_ g: Gateway) -> Bool {
        !g.helo.patterns.isEmpty || (g.helo.rejectOwnIP != nil && g.identity.publicIP != nil)
            || g.helo.rejectOwnHostname != nil
    }

    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard hasRules(g) else { return nil }
        var out = ctx.banner()
        if let action = g.helo.rejectOwnHostname {
            out += "# HELO with our own host name\n"
            out += "/^\(escape(g.identity.hostname.value))$/ "
                + (try ConfigText.pcreResult(action.description, at: "helo.reject-own-hostname")) + "\n"
        }
        if let action = g.helo.rejectOwnIP, let ip = g.identity.publicIP {
            let result = try ConfigText.pcreResult(action.description, at: "helo.reject-own-ip")
            let literal = ip.isIPv4 ? "[\(ip)]" : "[IPv6:\(ip)]"
            out += "# HELO with our own public address, bare or as an address literal\n"
            out += "/^\(escape(ip.description))$/ \(result)\n"
            out += "/^\(escape(literal))$/ \(result)\n"
        }
        if !g.helo.patterns.isEmpty { out += "# [helo] patterns from gateway.conf, in order\n" }
        for (i, p) in g.helo.patterns.enumerated() {
            let at = "helo[\(i)]"
            let regex = try ConfigText.line(p.regex, at: at)
            guard let d = regex.first, !d.isLetter, !d.isNumber, !d.isWhitespace else {
                throw EmitError("HELO pattern `\(regex)` does not start with a delimiter", at: at,
                                fix: "write it as `/regex/flags`")
            }
            out += regex + " " + (try ConfigText.pcreResult(p.action.description, at: at)) + "\n"
        }
        return ctx.file(ctx.paths.postfix(MapFiles.heloChecks), out, map: .pcre)
    }

    /// Backslash before every PCRE metacharacter; `/` too, as it is the table's delimiter.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\^$.|?*+()[]{}/".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
