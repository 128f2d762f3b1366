import Diagnostics
import PostfixConfig

/// GW3007: a parameter that the target Postfix ignores or only honours as a fallback.
struct ObsoleteParameterRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW3007", name: "obsolete-parameter", severity: .warning,
        summary: "a parameter that the target Postfix ignores, or reads only as an obsolete fallback",
        rationale: """
        Tutorials copy settings from Postfix 2.x. `smtpd_use_tls`, `smtpd_enforce_tls`, \
        `smtp_use_tls` and `smtp_enforce_tls` were replaced by the `*_tls_security_level` \
        parameters in 2.3 and are read only while those are empty, so the file says one thing \
        and a later `*_tls_security_level` line silently says another. \
        `smtpd_tls_dh512_param_file` and `smtpd_tls_eecdh_grade` are ignored from 3.6 (the \
        curves come from `tls_eecdh_auto_curves`); `disable_dns_lookups` gave way to \
        `smtp_dns_support_level` in 2.11. postconf(5) lists each under its replacement.
        """,
        triggering: [
            .postfix(mainCf: "↓smtpd_use_tls = yes\n"),
            .postfix(mainCf: "compatibility_level = 3.6\n↓smtpd_tls_eecdh_grade = strong\n"),
            .postfix(mainCf: "↓disable_dns_lookups = yes\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_tls_security_level = may\nsmtp_tls_security_level = may\n"),
            // Before 3.6 the EECDH grade still applies.
            .postfix(mainCf: "# gatewayctl: postfix-version=3.4\nsmtpd_tls_eecdh_grade = strong\n"),
        ])

    struct Obsolete {
        var since: PostfixVersion
        var message: String
        var fix: String
    }

    static let table: [String: Obsolete] = [
        "smtpd_use_tls": Obsolete(since: PostfixVersion(2, 3), message: "read only while `smtpd_tls_security_level` is empty",
                                  fix: "write `smtpd_tls_security_level = may`"),
        "smtpd_enforce_tls": Obsolete(since: PostfixVersion(2, 3), message: "read only while `smtpd_tls_security_level` is empty",
                                      fix: "write `smtpd_tls_security_level = encrypt`"),
        "smtp_use_tls": Obsolete(since: PostfixVersion(2, 3), message: "read only while `smtp_tls_security_level` is empty",
                                 fix: "write `smtp_tls_security_level = may`"),
        "smtp_enforce_tls": Obsolete(since: PostfixVersion(2, 3), message: "read only while `smtp_tls_security_level` is empty",
                                     fix: "write `smtp_tls_security_level = encrypt`"),
        "smtpd_tls_dh512_param_file": Obsolete(since: PostfixVersion(3, 6), message: "ignored",
                                               fix: "remove it (export-grade DH is gone)"),
        "smtpd_tls_eecdh_grade": Obsolete(since: PostfixVersion(3, 6), message: "ignored (curves come from `tls_eecdh_auto_curves`)",
                                          fix: "remove it"),
        "disable_dns_lookups": Obsolete(since: PostfixVersion(2, 11), message: "a fallback for `smtp_dns_support_level`",
                                        fix: "write `smtp_dns_support_level = disabled` (an lmtp service: `lmtp_dns_support_level`)"),
    ]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        var out: [Diagnostic] = []
        var names: [(String, SourceSpan)] = config.mainCf.entries.map { ($0.name, $0.nameSpan) }
        for s in config.masterCf?.services ?? [] { names += s.overrides.map { ($0.name, $0.nameSpan) } }
        for (name, span) in names {
            guard let o = Self.table[name], !(config.version < o.since) else { continue }
            out.append(Self.diagnostic("`\(name)` is obsolete since Postfix \(o.since): \(o.message)", at: span, fix: o.fix))
        }
        return out
    }
}
