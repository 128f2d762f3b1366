import Diagnostics
import PostfixConfig

/// GW2016: relay domains accepted without a list of valid recipients.
struct RelayDomainsWithoutRecipientsRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2016", name: "relay-domains-without-recipients", severity: .warning,
        summary: "`relay_domains` is set but `relay_recipient_maps` is empty",
        rationale: """
        Without `relay_recipient_maps` the gateway accepts every address of the relay domains \
        and learns only later, from the inside server, which ones do not exist; it then \
        bounces the spam to its forged senders (backscatter) and gets blocklisted. List the \
        valid recipients so unknown ones are rejected at RCPT (`550 5.1.1 User unknown in \
        relay recipient table`).
        """,
        triggering: [
            .postfix(mainCf: "relay_domains = ↓example.com\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "relay_domains = example.com\nrelay_recipient_maps = hash:/etc/postfix/relay_recipients\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes where scope.isExplicit("relay_domains") && scope.isPublicListener {
            guard let first = scope.list("relay_domains").first, scope.value("relay_recipient_maps").isEmpty else { continue }
            out.add(Self.diagnostic("mail for `\(first.text)` is accepted for any recipient: `relay_recipient_maps` is empty",
                                    at: first.span ?? scope.anchor("relay_domains"),
                                    fix: "set `relay_recipient_maps = hash:/etc/postfix/relay_recipients` listing valid addresses"))
        }
        return out.all
    }
}
