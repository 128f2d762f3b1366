import Diagnostics
import PostfixConfig

/// GW3020: TLS and postscreen parameters under names the target release replaced.
struct TLSDeprecatedNameRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW3020", name: "tls-deprecated-name", severity: .warning,
        summary: "a TLS or postscreen parameter uses a name the target Postfix replaced",
        rationale: """
        Postfix 2.3 replaced the `*_use_tls`/`*_enforce_tls` booleans with \
        `*_tls_security_level` (`may`, `encrypt`); the booleans still work but hide what the \
        level is and are read only when no level is set. Postfix 3.6 renamed postscreen's \
        `whitelist`/`blacklist` parameters to `allowlist`/`denylist`; the old names are still \
        honoured but are on their way out. (A new name on a target older than the rename is \
        an unknown parameter there: GW3004.)
        """,
        triggering: [
            .postfix(mainCf: "# gatewayctl: postfix-version=3.7\n↓smtpd_use_tls = yes\n"),
            .postfix(mainCf: "# gatewayctl: postfix-version=3.7\n↓postscreen_dnsbl_whitelist_threshold = -1\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "# gatewayctl: postfix-version=3.7\nsmtpd_tls_security_level = may\npostscreen_dnsbl_allowlist_threshold = -1\n"),
            .postfix(mainCf: "# gatewayctl: postfix-version=2.8\nsmtpd_tls_security_level = may\n"),
        ])

    /// old name -> (new name, release that introduced the new one).
    static let renamed: [String: (String, PostfixVersion)] = [
        "smtpd_use_tls": ("smtpd_tls_security_level = may", PostfixVersion(2, 3)),
        "smtpd_enforce_tls": ("smtpd_tls_security_level = encrypt", PostfixVersion(2, 3)),
        "smtp_use_tls": ("smtp_tls_security_level = may", PostfixVersion(2, 3)),
        "smtp_enforce_tls": ("smtp_tls_security_level = encrypt", PostfixVersion(2, 3)),
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
