import Diagnostics
import ConfigModel

/// GW2108: the SMTP greeting must start with the server's name.
struct BannerHostnameRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW2108", name: "banner-without-hostname", severity: .warning,
        summary: "`banner` does not start with `hostname`",
        rationale: """
        RFC 5321 requires the 220 greeting to start with the server's fully qualified name, and \
        Postfix documents that `smtpd_banner` must begin with `$myhostname`. Some clients and \
        spam scorers penalise greetings that do not.
        """,
        triggering: [GatewayExample.config(gateway: "banner = ↓Welcome to our mail\n")],
        nonTriggering: [GatewayExample.config(gateway: "banner = spam.example.com ESMTP\n")])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        let id = document.gateway.identity
        guard let banner = id.banner else { return [] }
        let first = banner.prefix { $0 != " " }.lowercased()
        guard first != id.hostname.value else { return [] }
        return [Self.diagnostic("`banner` does not start with the hostname `\(id.hostname)`", at: document.span("gateway.banner"),
                                fix: "write `banner = \(id.hostname) ESMTP`, or remove `banner` for Postfix's default")]
    }
}
