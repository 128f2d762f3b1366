import Diagnostics
import PostfixConfig

/// GW5031: a domain blocklist (RHSBL, URIBL, Spamhaus DBL) asked as if it listed addresses.
struct PostscreenDomainListRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW5031", name: "domain-list-as-dnsbl", severity: .warning,
        summary: "a list of domains is asked for client IP addresses",
        rationale: """
        postscreen (and `reject_rbl_client`) look up the client's reversed IP address. Domain \
        lists such as Spamhaus DBL, SURBL, URIBL or an RHSBL list names of domains: asked for \
        an address they never list it, and some answer such queries with an error code \
        (DBL: 127.0.1.255) that a site without a reply filter counts as a listing. Ask domain \
        lists with `reject_rhsbl_sender`/`reject_rhsbl_helo`, or in SpamAssassin.
        """,
        triggering: [
            .postfix(mainCf: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3, ↓dbl.spamhaus.org*2\n"),
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination, reject_rbl_client ↓multi.uribl.com\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3\n"
                     + "smtpd_recipient_restrictions = reject_unauth_destination, reject_rhsbl_sender dbl.spamhaus.org=127.0.1.[2..99]\n"),
        ])

    /// Zones that list domain names (their own label or a well-known provider name).
    static func listsDomains(_ zone: String) -> Bool {
        let z = zone.lowercased()
        let labels = z.split(separator: ".")
        if labels.contains(where: { $0 == "dbl" || $0 == "rhsbl" || $0 == "uribl" || $0 == "surbl" }) { return true }
        return z.hasSuffix("uribl.com") || z.hasSuffix("surbl.org") || z.hasPrefix("uribl.")
            || z.hasPrefix("fresh.") || z.hasPrefix("fresh10.") || z.hasPrefix("fresh15.") || z.hasPrefix("fresh30.")
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            for item in scope.list("postscreen_dnsbl_sites") {
                let zone = PostscreenSupport.site(item.text).zone
                guard Self.listsDomains(zone) else { continue }
                out.add(Self.diagnostic("`\(zone)` lists domains, but postscreen asks it for client addresses",
                                        at: item.span ?? scope.anchor("postscreen_dnsbl_sites"),
                                        fix: "remove it here; ask it with `reject_rhsbl_sender` or in SpamAssassin"))
            }
            for e in scope.restrictionEntries where e.item.text == "reject_rbl_client" {
                guard let arg = e.argument else { continue }
                let zone = String(arg.text.prefix { $0 != "=" })
                guard Self.listsDomains(zone) else { continue }
                out.add(Self.diagnostic("`\(zone)` lists domains, but `reject_rbl_client` asks it for the client address",
                                        at: arg.span ?? scope.anchor(e.list),
                                        fix: "use `reject_rhsbl_sender \(arg.text)` or `reject_rhsbl_helo`"))
            }
        }
        return out.all
    }
}
