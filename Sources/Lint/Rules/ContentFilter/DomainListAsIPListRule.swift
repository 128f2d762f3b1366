import Diagnostics
import PostfixConfig

/// GW5006: a domain blocklist queried with client IP addresses.
struct DomainListAsIPListRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5006", name: "domain-list-as-ip-list", severity: .warning,
        summary: "a domain blocklist (DBL, URIBL, SURBL) used where Postfix looks up client IP addresses",
        rationale: """
        `reject_rbl_client` and `postscreen_dnsbl_sites` query a zone with the client's \
        reversed IP address. Domain lists such as `dbl.spamhaus.org`, `multi.uribl.com` or \
        `multi.surbl.org` list names, not addresses: the check never matches, or, worse, \
        the list answers IP queries with an error code (Spamhaus DBL: 127.0.1.255) that \
        Postfix without a reply filter counts as a listing, and every client is rejected. \
        Use the `reject_rhsbl_*` restrictions for domain lists.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination,\n    reject_rbl_client ↓dbl.spamhaus.org\n"),
            .postfix(mainCf: "postscreen_dnsbl_sites = ↓multi.uribl.com*2\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination,\n    reject_rhsbl_sender dbl.spamhaus.org=127.0.1.[2..99]\n"),
        ])

    /// Zones (and their subdomains, e.g. DQS keys) that list domain names only.
    static let domainLists = ["dbl.spamhaus.org", "dbl.dq.spamhaus.net", "zrd.spamhaus.org", "multi.uribl.com",
                              "black.uribl.com", "grey.uribl.com", "red.uribl.com", "multi.surbl.org", "dbl.nordspam.com"]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for (zone, span) in DNSListZones.zones(config).byAddress {
            let z = zone.lowercased()
            guard Self.domainLists.contains(where: { z == $0 || z.hasSuffix("." + $0) }) else { continue }
            out.add(Self.diagnostic("`\(zone)` lists domain names, but it is looked up with client IP addresses here",
                                    at: span, fix: "use it with `reject_rhsbl_sender` / `reject_rhsbl_helo` / `reject_rhsbl_reverse_client`, or remove it"))
        }
        return out.all
    }
}
