import ConfigModel
import MapBuilder

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
            let line = regex + " " + (try ConfigText.pcreResult(p.action.description, at: at))
            try compiles(line, at: "helo.patterns[\(i)].key")
            out += line + "\n"
        }
        return ctx.file(ctx.paths.postfix(MapFiles.heloChecks), out, map: .pcre)
    }

    /// The rule as Postfix's pcre table reads it (MapBuilder's dict_pcre parser and PCRE2): any
    /// problem Postfix would log means it skips the rule and the protection silently disappears,
    /// so the gateway is refused instead, at the column Postfix names (`/(/`, `/x{99999}/`).
    static func compiles(_ line: String, at keyPath: String) throws(EmitError) {
        guard let w = RegexTable.parse(line, file: "helo_checks", flavor: .pcre).warnings.first else { return }
        throw EmitError("Postfix cannot use this HELO pattern: \(w.message)", at: keyPath,
                        fix: "fix the regular expression (pcre_table(5), PCRE2 syntax)", offset: max(0, w.column - 1))
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
