import Diagnostics
import PostfixConfig

/// GW5030: a scoring postscreen DNS list without a reply filter (Spamhaus zones: GW5001).
struct PostscreenReplyFilterRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW5030", name: "postscreen-site-without-reply-filter", severity: .info,
        summary: "a postscreen DNS list adds its weight for any answer, error codes included",
        rationale: """
        postscreen adds a site's weight for every A record the list returns. Lists answer \
        refused or over-quota queries with special addresses (Spamhaus 127.255.255.x, others \
        127.0.0.255 or 127.0.0.1), and those then count as listings: with a weight at the \
        threshold, every client is refused. `zone=127.0.0.[2..11]*3` counts only the codes the \
        list documents as listings. Allowlists (negative weights) are exempt: a wrong answer \
        there lets mail through rather than refusing it. Most lists answer only listings, so \
        this is a hint (info); Spamhaus zones, which do answer error codes, are GW5001's.
        """,
        triggering: [
            .postfix(mainCf: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3, ↓bl.spamcop.net*2\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "postscreen_dnsbl_sites = bl.spamcop.net=127.0.0.2*2, list.dnswl.org*-2\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        var out = DiagnosticSet()
        let scopes = [config.parameters(for: nil)] + PostscreenSupport.services(config).map { config.parameters(for: $0) }
        for scope in scopes {
            for item in scope.list("postscreen_dnsbl_sites") {
                let site = PostscreenSupport.site(item.text)
                guard site.filter == nil, site.weight > 0, !RBLReplyFilterRule.isSpamhaus(site.zone) else { continue }
                out.add(Self.diagnostic("postscreen adds `\(site.zone)`'s weight \(site.weight) for any answer, its error codes too",
                                        at: item.span ?? scope.anchor("postscreen_dnsbl_sites"),
                                        fix: "add the codes the list documents for a listing, e.g. `\(site.zone)=127.0.0.2*\(site.weight)`"))
            }
        }
        return out.all
    }
}
