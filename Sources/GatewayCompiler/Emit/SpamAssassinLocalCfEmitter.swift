import ConfigModel

/// SpamAssassin `local.cf`: the score and Bayes settings amavisd-new's SpamAssassin uses.
/// amavis decides what happens to spam; these keep the rules and `spamassassin --lint` in line.
enum SpamAssassinLocalCfEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard let sa = g.spamassassin else { return nil }
        var out = ctx.banner()
        out += "required_score \(score(sa.requiredScore))\n"
        out += "report_safe 0\n"
        out += "use_bayes \(sa.bayes ? 1 : 0)\n"
        if sa.bayes { out += "bayes_auto_learn 1\n" }
        // The inside server and the content filter hop are ours: their Received lines are trusted.
        let trusted = g.relay.trusted.map { $0.address.isIPv4 ? $0.description : "\($0.address)/\($0.prefix)" }
        if !trusted.isEmpty { out += "trusted_networks \(trusted.joined(separator: " "))\n" }
        return ctx.file(ctx.paths.spamassassinLocalCf, out)
    }

    /// `5.0`, `6.31`: at least one decimal, no exponent, as SpamAssassin's docs write scores.
    static func score(_ d: Double) -> String {
        let hundredths = Int((d * 100).rounded())
        let whole = hundredths / 100, frac = abs(hundredths % 100)
        let sign = d < 0 && whole == 0 ? "-" : ""
        return frac % 10 == 0 ? "\(sign)\(whole).\(frac / 10)" : "\(sign)\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }
}
