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

    /// The codes of real listings: the DBL (domain list) answers 127.0.1.x, the IP lists 127.0.0.x.
    static func filter(_ zone: String) -> String? {
        let z = zone.lowercased()
        if z.contains("dbl") { return "127.0.1.[2..99]" }
        for ip in ["zen", "sbl", "xbl", "pbl", "sbl-xbl"] where z.hasPrefix(ip + ".") || z.contains("." + ip + ".") {
            return "127.0.0.[2..11]"
        }
        return nil
    }

    static func fix(_ zone: String) -> String {
        filter(zone).map { "write `\(zone)=\($0)`" } ?? "add `=` and the answer codes of real listings that Spamhaus documents for `\(zone)`"
    }

    /// A domain list used as an IP list is GW5006's finding; a reply filter would not fix it.
    static func misusedDomainList(_ zone: String, byAddress: Bool) -> Bool {
        let z = zone.lowercased()
        return byAddress && DomainListAsIPListRule.domainLists.contains { z == $0 || z.hasSuffix("." + $0) }
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            // postscreen: `zone[=filter][*weight]`.
            for item in scope.list("postscreen_dnsbl_sites") {
                let zone = item.text.split(separator: "*").first.map(String.init) ?? item.text
                guard !zone.contains("="), Self.isSpamhaus(zone), !Self.misusedDomainList(zone, byAddress: true) else { continue }
                // A negative weight is an allowlist: error answers then let everyone skip the test.
                let allow = item.text.split(separator: "*").last.map { $0.hasPrefix("-") } ?? false && item.text.contains("*")
                out.add(Self.diagnostic(allow
                                        ? "postscreen counts Spamhaus error answers from `\(zone)` as allowlistings and can let every client skip the DNSBL test"
                                        : "postscreen counts Spamhaus error answers from `\(zone)` as listings and can block all clients",
                                        at: item.span ?? scope.anchor("postscreen_dnsbl_sites"),
                                        fix: Self.fix(zone)))
            }
            for e in scope.restrictionEntries where e.info?.argument == .dnsZone {
                guard let arg = e.argument, !arg.text.contains("="), Self.isSpamhaus(arg.text),
                      !Self.misusedDomainList(arg.text, byAddress: DNSListZones.addressRestrictions.contains(e.item.text)) else { continue }
                out.add(Self.diagnostic("`\(e.item.text) \(arg.text)` treats Spamhaus error answers as listings and can reject all mail",
                                        at: arg.span ?? scope.anchor(e.list),
                                        fix: Self.fix(arg.text)))
            }
        }
        return out.all
    }
}
