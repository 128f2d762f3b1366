import ConfigModel
import PostfixConfig

/// Restriction names across Postfix versions. The model speaks today's names; the target version
/// decides what main.cf says (2.3 renamed the HELO checks; old names remain accepted later).
enum RestrictionNames {
    /// Today's name -> the name before Postfix 2.3.
    static let before23: [String: String] = [
        "reject_invalid_helo_hostname": "reject_invalid_hostname",
        "reject_non_fqdn_helo_hostname": "reject_non_fqdn_hostname",
        "reject_unknown_helo_hostname": "reject_unknown_hostname",
        "reject_unknown_client_hostname": "reject_unknown_client",
    ]

    /// The spelling `version` knows for the restriction called `current` today.
    static func spelling(_ current: String, for version: PostfixVersion) -> String {
        version.hasHeloHostnameNames ? current : (before23[current] ?? current)
    }

    /// Today's name for any spelling (for matching `warn-only` entries written either way).
    static func current(_ name: String) -> String {
        let n = name.lowercased()
        return before23.first { $0.value == n }?.key ?? n
    }
}
