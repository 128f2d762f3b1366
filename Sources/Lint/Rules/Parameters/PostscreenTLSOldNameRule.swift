import Diagnostics
import PostfixConfig

/// GW3020: postscreen, tlsproxy and LMTP TLS parameters under names the target release replaced
/// (smtpd's and smtp's TLS booleans are GW3007's).
struct PostscreenTLSOldNameRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW3020", name: "postscreen-tls-old-name", severity: .info,
        summary: "a postscreen, tlsproxy or LMTP TLS parameter under a name the target Postfix replaced",
        rationale: """
        Postfix 3.6 renamed postscreen's `whitelist`/`blacklist` parameters to \
        `allowlist`/`denylist`; the old names are still honoured, but new documentation and \
        `postconf -d` only show the new ones. The `*_use_tls`/`*_enforce_tls` booleans of \
        postscreen, tlsproxy and LMTP (2.3/2.8) gave way to `*_tls_security_level` like \
        smtpd's and smtp's (those are GW3007's). A new name on a target older than the \
        rename is an unknown parameter there: GW3004.
        """,
        triggering: [
            .postfix(mainCf: "# gatewayctl: postfix-version=3.7\n↓postscreen_dnsbl_whitelist_threshold = -1\n"),
            .postfix(mainCf: "# gatewayctl: postfix-version=3.7\n↓postscreen_blacklist_action = drop\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "# gatewayctl: postfix-version=3.7\npostscreen_dnsbl_allowlist_threshold = -1\n"),
            .postfix(mainCf: "# gatewayctl: postfix-version=3.4\npostscreen_dnsbl_whitelist_threshold = -1\n"),
        ])

    /// old name -> (new name, release that introduced the new one).
    static let renamed: [String: (String, PostfixVersion)] = [
        "lmtp_use_tls": ("lmtp_tls_security_level = may", PostfixVersion(2, 3)),
        "lmtp_enforce_tls": ("lmtp_tls_security_level = encrypt", PostfixVersion(2, 3)),
        "postscreen_use_tls": ("postscreen_tls_security_level = may", PostfixVersion(2, 8)),
        "postscreen_enforce_tls": ("postscreen_tls_security_level = encrypt", PostfixVersion(2, 8)),
        "tlsproxy_use_tls": ("tlsproxy_tls_security_level = may", PostfixVersion(2, 8)),
        "tlsproxy_enforce_tls": ("tlsproxy_tls_security_level = encrypt", PostfixVersion(2, 8)),
        "postscreen_dnsbl_whitelist_threshold": ("postscreen_dnsbl_allowlist_threshold", PostfixVersion(3, 6)),
        "postscreen_whitelist_interfaces": ("postscreen_allowlist_interfaces", PostfixVersion(3, 6)),
        "postscreen_blacklist_action": ("postscreen_denylist_action", PostfixVersion(3, 6)),
    ]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        let v = config.version
        var out: [Diagnostic] = []
        var settings: [(name: String, span: SourceSpan)] = config.mainCf.entries.map { ($0.name, $0.nameSpan) }
        for s in config.masterCf?.services ?? [] { settings += s.overrides.map { ($0.name, $0.nameSpan) } }
        for (name, span) in settings {
            if let (new, since) = Self.renamed[name], v >= since {
                out.append(Self.diagnostic("`\(name)` is the old name; Postfix \(since) and later write `\(new)`", at: span,
                                           fix: "write `\(new)`"))
            }
        }
        return out
    }
}
