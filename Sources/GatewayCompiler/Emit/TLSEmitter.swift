import ConfigModel
import PostfixConfig

/// `[tls]`: STARTTLS on port 25 (smtpd, and postscreen's tlsproxy, which inherits smtpd's
/// settings) and TLS from the gateway to the inside server only, through a policy table keyed
/// by that one next hop (the amavisd-new hop and anything else stay in clear text).
///
/// Names follow the target: every parameter written here exists from Postfix 2.6 on (the
/// `smtpd_use_tls` era ended with 2.3's `smtpd_tls_security_level`); only the protocol syntax
/// differs, `>=TLSv1` from 3.6, the exclusion list before.
enum TLSEmitter {
    static let policyTable = "tls_policy"

    static func mainCf(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> String {
        guard let t = g.tls else { return "" }
        let v = g.identity.postfix
        var out = "\n# STARTTLS on port 25. `may`: offered to every client, required of none (a server without\n"
        out += "# TLS must still reach us); protocols and ciphers are Postfix's recommended defaults, spelled out.\n"
        out += "smtpd_tls_cert_file = \(try ConfigText.token(t.certificate, at: "tls.certificate"))\n"
        out += "smtpd_tls_key_file = \(try ConfigText.token(t.key, at: "tls.key"))\n"
        out += "smtpd_tls_security_level = \(t.level.rawValue)\n"
        out += "smtpd_tls_protocols = \(protocols(v))\n"
        out += "smtpd_tls_ciphers = medium\n"
        if t.level == .encrypt {
            out += "smtpd_tls_mandatory_protocols = \(protocols(v))\n"
            out += "smtpd_tls_mandatory_ciphers = medium\n"
        }
        out += "# The Received header names protocol and cipher, so the inside server can tell.\n"
        out += "smtpd_tls_received_header = yes\n"
        out += "smtpd_tls_loglevel = 1\n"
        out += "smtpd_tls_session_cache_database = \(PostscreenEmitter.cacheType(ctx)):$data_directory/smtpd_scache\n"
        if t.inside != .none {
            out += "\n# TLS to the inside server (\(t.inside.rawValue)), by its next hop only.\n"
            out += "smtp_tls_policy_maps = \(ctx.tableReference(policyTable))\n"
            if let ca = t.insideCA { out += "smtp_tls_CAfile = \(try ConfigText.token(ca, at: "tls.inside-ca"))\n" }
            out += "smtp_tls_loglevel = 1\n"
            out += "smtp_tls_session_cache_database = \(PostscreenEmitter.cacheType(ctx)):$data_directory/smtp_scache\n"
        }
        return out
    }

    /// Opportunistic TLS refuses nothing a peer can speak that is not broken: SSLv2/SSLv3 off.
    static func protocols(_ v: PostfixVersion) -> String {
        v >= PostfixVersion(3, 6) ? ">=TLSv1" : "!SSLv2, !SSLv3"
    }

    /// The policy table: `[mail.example.com] verify`, keyed as the transport table names the hop.
    static func files(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> [EmittedFile] {
        guard let t = g.tls, t.inside != .none else { return [] }
        let hop = String(try ConfigText.token(g.relay.mailServer.description, at: "relay.mail-server").dropFirst("smtp:".count))
        let out = ctx.banner() + "\(try ConfigText.mapKey(hop, at: "relay.mail-server")) \(t.inside.rawValue)\n"
        return [ctx.table(ctx.paths.postfix(policyTable), out)]
    }
}
