import Diagnostics
import PostfixConfig
import ConfigModel

/// GW3006: Postfix 3.x running on backwards-compatible defaults.
struct CompatibilityLevelRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW3006", name: "compatibility-level-unset", severity: .warning,
        summary: "main.cf sets no `compatibility_level` for Postfix 3.x",
        rationale: """
        Without `compatibility_level` Postfix 3.x keeps the defaults of Postfix 2.x: an empty \
        `smtpd_relay_restrictions` (so relay control depends on the recipient list alone, and \
        smtpd refuses to start when that is empty too), `relay_domains = $mydestination`, \
        `mynetworks_style = subnet` (the whole LAN is trusted), and it logs a `using \
        backwards-compatible default setting` line for each. Set the level the configuration \
        was written for.
        """,
        triggering: [
            .postfix(mainCf: "↓myhostname = mx.example.com\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "compatibility_level = 3.6\nmyhostname = mx.example.com\n"),
            .postfix(mainCf: "# gatewayctl: postfix-version=2.8\nmyhostname = mx.example.com\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf, config.version >= PostfixVersion(3, 0),
              config.mainCf.parameters["compatibility_level"] == nil else { return [] }
        let span = config.mainCf.entries.first?.nameSpan ?? .file(config.mainCf.file)
        return [Self.diagnostic("no `compatibility_level`: Postfix \(config.version) uses its 2.x defaults (empty relay list, `mynetworks_style = subnet`)",
                                at: span, fix: "add `compatibility_level = 3.6` and review the changed defaults")]
    }
}
