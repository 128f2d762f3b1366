import Diagnostics
import ConfigModel

/// GW5102: a DNSBL without a reply filter treats error answers as listings.
struct DNSBLReplyFilterRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW5102", name: "dnsbl-without-reply-filter", severity: .warning,
        summary: "a DNSBL has no reply filter, so any answer counts as a listing",
        rationale: """
        `reject_rbl_client ZONE` rejects on any A record. Spamhaus answers queries from public or \
        high-volume resolvers with 127.255.255.x error codes, which then reject every client: all \
        inbound mail bounces. `zen.spamhaus.org = 127.0.0.[2..11]` only counts real listings. \
        Without a filter a Spamhaus zone is an error, any other zone a warning.
        """,
        triggering: [
            GatewayExample.config("[dnsbl]\n↓zen.spamhaus.org\n"),
            GatewayExample.config("[dnsbl]\n↓bl.spamcop.net\n"),
        ],
        nonTriggering: [
            GatewayExample.config("[dnsbl]\nzen.spamhaus.org = 127.0.0.[2..11]\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        document.gateway.dnsbls.enumerated().compactMap { i, bl in
            guard bl.replyFilter == nil else { return nil }
            let spamhaus = ["spamhaus.org", "spamhaus.net"].contains { bl.zone.value == $0 || bl.zone.value.hasSuffix("." + $0) }
            return Self.diagnostic("DNSBL `\(bl.zone)` has no reply filter", at: document.span("dnsbl[\(i)].key"),
                                   fix: spamhaus ? "write `\(bl.zone) = 127.0.0.[2..11]`" : "add the zone's listing codes, e.g. `\(bl.zone) = 127.0.0.2`",
                                   severity: spamhaus ? .error : nil)
        }
    }
}
