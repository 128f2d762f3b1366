import Diagnostics
import PostfixConfig

/// GW2003: `permit_tls_all_clientcerts` before the relay guard.
struct TLSAllClientCertsRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2003", name: "permit-tls-all-clientcerts", severity: .warning,
        summary: "`permit_tls_all_clientcerts` before the relay guard lets any certificate holder relay",
        rationale: """
        `permit_tls_all_clientcerts` permits every client whose certificate chains to ANY CA in \
        `smtpd_tls_CAfile`/`smtpd_tls_CApath`. With a public CA bundle that is anyone who can \
        buy a certificate. Use `permit_tls_clientcerts` with `relay_clientcerts` listing the \
        fingerprints you trust.
        """,
        triggering: [
            .postfix(mainCf: "compatibility_level = 3.6\nsmtpd_relay_restrictions = ↓permit_tls_all_clientcerts, reject_unauth_destination\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit_tls_clientcerts, reject_unauth_destination\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        RelayListFindings.items(config, \.tlsAllClientCerts).map { item, _, list in
            Self.diagnostic("`permit_tls_all_clientcerts` in `\(list)` lets any client with a certificate from a trusted CA relay",
                            at: item.span ?? .file(config.mainCf.file),
                            fix: "use `permit_tls_clientcerts` and list trusted fingerprints in `relay_clientcerts`")
        }
    }
}
