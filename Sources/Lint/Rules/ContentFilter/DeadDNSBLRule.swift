import Diagnostics
import PostfixConfig

/// GW5005: a DNS blocklist that no longer exists.
struct DeadDNSBLRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5005", name: "dead-dnsbl", severity: .warning,
        summary: "a DNS blocklist that has shut down",
        rationale: """
        Old tutorials list blocklists that are gone: DSBL, rfc-ignorant.org, NJABL, AHBL, \
        MSRBL, nuclearelephant.com, and the CBL (cbl.abuseat.org, merged into Spamhaus XBL, \
        part of zen.spamhaus.org). A dead zone costs a DNS timeout per message at best; at \
        worst the domain lapses or is set to answer every query (AHBL did, on purpose) and \
        every client is rejected.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination,\n    reject_rbl_client ↓list.dsbl.org\n"),
            .postfix(mainCf: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3, ↓cbl.abuseat.org*2\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_recipient_restrictions = reject_unauth_destination,\n    reject_rbl_client zen.spamhaus.org=127.0.0.[2..11]\n"),
        ])

    /// Zones (and their subdomains) that no longer answer as blocklists, and why.
    static let dead: [(String, String)] = [
        ("dsbl.org", "DSBL closed in 2009"),
        ("rfc-ignorant.org", "rfc-ignorant.org closed in 2012"),
        ("njabl.org", "NJABL closed in 2013"),
        ("ahbl.org", "AHBL closed in 2015 and answered every query as listed"),
        ("msrbl.net", "MSRBL closed"),
        ("nuclearelephant.com", "nuclearelephant.com's list closed"),
        ("cbl.abuseat.org", "the CBL was merged into Spamhaus XBL (part of zen.spamhaus.org)"),
    ]

    static func deadReason(_ zone: String) -> String? {
        let z = zone.lowercased()
        return dead.first { z == $0.0 || z.hasSuffix("." + $0.0) }?.1
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for (zone, span) in DNSListZones.zones(config).all {
            guard let why = Self.deadReason(zone) else { continue }
            out.add(Self.diagnostic("`\(zone)` is a dead blocklist: \(why)", at: span, fix: "remove it"))
        }
        return out.all
    }
}

/// The DNS list zones a configuration queries, split by what they are looked up with.
struct DNSListZones {
    /// Looked up with the client IP: reject_rbl_client, permit_dnswl_client, postscreen.
    var byAddress: [(String, SourceSpan)] = []
    /// Looked up with a domain name: the reject_rhsbl_* family.
    var byName: [(String, SourceSpan)] = []
    var all: [(String, SourceSpan)] { byAddress + byName }

    static let addressRestrictions: Set<String> = ["reject_rbl_client", "permit_dnswl_client", "reject_rbl"]

    static func zones(_ config: PostfixConfigSet) -> DNSListZones {
        var out = DNSListZones()
        for scope in config.lintScopes {
            for item in scope.list("postscreen_dnsbl_sites") {
                let zone = String(item.text.prefix { $0 != "=" && $0 != "*" })
                out.byAddress.append((zone, item.span ?? scope.anchor("postscreen_dnsbl_sites")))
            }
            for e in scope.restrictionEntries where e.info?.argument == .dnsZone {
                guard let arg = e.argument else { continue }
                let zone = String(arg.text.prefix { $0 != "=" })
                let span = arg.span ?? scope.anchor(e.list)
                if addressRestrictions.contains(e.item.text) { out.byAddress.append((zone, span)) }
                else { out.byName.append((zone, span)) }
            }
        }
        return out
    }
}
