import Diagnostics
import PostfixConfig
import ConfigModel

/// GW5001: a Spamhaus DNSBL without a reply filter.
struct RBLReplyFilterRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5001", name: "rbl-without-reply-filter", severity: .warning,
        summary: "a Spamhaus zone is queried without a reply filter",
        rationale: """
        Spamhaus answers queries from public or unregistered resolvers with 127.255.255.254 \
        (and other 127.255.255.x error codes). Without a filter such as \
        `zen.spamhaus.org=127.0.0.[2..11]` Postfix reads every error answer as "listed" and \
        rejects ALL mail. A filter (or `smtpd_dns_reply_filter`) limits rejects to real \
        listings.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination, reject_rbl_client ↓zen.spamhaus.org\n"),
            .postfix(mainCf: "postscreen_dnsbl_sites = ↓zen.spamhaus.org*3, bl.example.net\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination, reject_rbl_client zen.spamhaus.org=127.0.0.[2..11]\n"),
            .postfix(mainCf: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3\n"),
        ])

    static func isSpamhaus(_ zone: String) -> Bool {
        let z = zone.lowercased()
        return z.hasSuffix("spamhaus.org") || z.hasSuffix("spamhaus.net")
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            // postscreen: `zone[=filter][*weight]`.
            for item in scope.list("postscreen_dnsbl_sites") {
                let zone = item.text.split(separator: "*").first.map(String.init) ?? item.text
                guard !zone.contains("="), Self.isSpamhaus(zone) else { continue }
                out.add(Self.diagnostic("postscreen counts Spamhaus error answers from `\(zone)` as listings and can block all clients",
                                        at: item.span ?? scope.anchor("postscreen_dnsbl_sites"),
                                        fix: "write `\(zone)=127.0.0.[2..11]`"))
            }
            for e in scope.restrictionEntries where e.info?.argument == .dnsZone {
                guard let arg = e.argument, !arg.text.contains("="), Self.isSpamhaus(arg.text) else { continue }
                out.add(Self.diagnostic("`\(e.item.text) \(arg.text)` treats Spamhaus error answers as listings and can reject all mail",
                                        at: arg.span ?? scope.anchor(e.list),
                                        fix: "write `\(arg.text)=127.0.0.[2..11]`"))
            }
        }
        return out.all
    }
}
