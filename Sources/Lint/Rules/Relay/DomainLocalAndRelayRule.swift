import Diagnostics
import PostfixConfig

/// GW2017: a domain in both mydestination and relay_domains.
struct DomainLocalAndRelayRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2017", name: "domain-local-and-relay", severity: .warning,
        summary: "a domain is listed in both `mydestination` and `relay_domains`",
        rationale: """
        A domain in `mydestination` is delivered locally, so its `relay_domains` entry and the \
        transport to the inside server are ignored: mail lands in local mailboxes on the \
        gateway (or bounces as unknown user) instead of reaching the mail server. Postfix logs \
        `do not list domain X in BOTH mydestination and relay_domains`.
        """,
        triggering: [
            .postfix(mainCf: "mydestination = example.com, localhost\nrelay_domains = ↓example.com\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "mydestination = localhost\nrelay_domains = example.com\n"),
            .postfix(mainCf: "myhostname = mx.example.com\nmydestination = $myhostname, localhost\nrelay_domains = $mydestination\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes where scope.isExplicit("relay_domains") && scope.isPublicListener {
            let local = Set(scope.list("mydestination").map { $0.text.lowercased() }.filter { !$0.contains(":") })
            // Only domains written in relay_domains itself: `relay_domains = $mydestination`
            // (Postfix's default before 3.0) names the local domains on purpose.
            for item in scope.list("relay_domains") where item.parameter == "relay_domains" && local.contains(item.text.lowercased()) {
                out.add(Self.diagnostic("`\(item.text)` is in both `mydestination` and `relay_domains`; it is delivered locally",
                                        at: item.span ?? scope.anchor("relay_domains"),
                                        notes: [.init("`mydestination`", at: scope.origin("mydestination")?.valueSpan)],
                                        fix: "remove `\(item.text)` from `mydestination`"))
            }
        }
        return out.all
    }
}
