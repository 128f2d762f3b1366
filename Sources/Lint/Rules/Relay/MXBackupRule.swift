import Diagnostics
import PostfixConfig

/// GW2004: `permit_mx_backup` without recipient maps or network limits.
struct MXBackupRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2004", name: "permit-mx-backup-unrestricted", severity: .warning,
        summary: "`permit_mx_backup` accepts mail for any domain that lists this host as MX",
        rationale: """
        `permit_mx_backup` permits a recipient when the DNS MX records of its domain name this \
        host. Anyone can publish such an MX record for a domain they own, and unless \
        `permit_mx_backup_networks` limits the primary MX hosts and `relay_recipient_maps` lists \
        the valid recipients, the server also accepts every address of the backed-up domains \
        and later bounces the unknown ones (backscatter).
        """,
        triggering: [
            .postfix(mainCf: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit_mynetworks, ↓permit_mx_backup, reject_unauth_destination\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            compatibility_level = 3.6
            permit_mx_backup_networks = 192.0.2.0/24
            relay_recipient_maps = hash:/etc/postfix/relay_recipients
            smtpd_relay_restrictions = permit_mynetworks, permit_mx_backup, reject_unauth_destination
            """),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        RelayListFindings.items(config, \.mxBackup).compactMap { item, scope, _ in
            let missing = ["permit_mx_backup_networks", "relay_recipient_maps"].filter { scope.value($0).isEmpty }
            guard !missing.isEmpty else { return nil }
            return Self.diagnostic("`permit_mx_backup` without \(missing.map { "`\($0)`" }.joined(separator: " and ")) accepts mail for any domain whose MX names this host",
                                   at: item.span ?? .file(config.mainCf.file),
                                   fix: "set \(missing.map { "`\($0)`" }.joined(separator: " and ")), or remove `permit_mx_backup`")
        }
    }
}
