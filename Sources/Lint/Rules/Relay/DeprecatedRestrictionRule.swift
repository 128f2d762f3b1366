import Diagnostics
import PostfixConfig

/// GW2011: a renamed or deprecated restriction for the target version.
struct DeprecatedRestrictionRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2011", name: "deprecated-restriction", severity: .warning,
        summary: "a restriction was renamed or deprecated in the target Postfix version",
        rationale: """
        Postfix 2.3 renamed the HELO restrictions (`reject_invalid_hostname` became \
        `reject_invalid_helo_hostname`, ...) and `reject_unknown_client` \
        (`reject_unknown_client_hostname`); `reject_maps_rbl`, `check_relay_domains` and \
        `permit_naked_ip_address` are deprecated and log a warning on every use. The old \
        names still work in 3.7 but are slated for removal, and they read as if they tested \
        something else.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_helo_restrictions = ↓reject_invalid_hostname, ↓reject_non_fqdn_hostname\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_helo_restrictions = reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname\n"),
            .postfix(mainCf: "# gatewayctl: postfix-version=2.2\nsmtpd_helo_restrictions = reject_invalid_hostname\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            for e in scope.restrictionEntries {
                guard let info = e.info else { continue }
                let span = e.item.span ?? scope.anchor(e.list)
                if let r = info.renamedTo, config.version >= r.since {
                    out.add(Self.diagnostic("`\(info.name)` was renamed `\(r.name)` in Postfix \(r.since)", at: span,
                                            fix: "write `\(r.name)`"))
                } else if let d = info.deprecatedSince, config.version >= d {
                    out.add(Self.diagnostic("`\(info.name)` is deprecated since Postfix \(d)", at: span,
                                            fix: info.name == "check_relay_domains" ? "use `permit_auth_destination, reject_unauth_destination`"
                                                                                     : "remove it"))
                }
            }
        }
        return out.all
    }
}
