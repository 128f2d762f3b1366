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
            // Postfix's own default before 3.0: the domains are local, local_recipient_maps applies.
            .postfix(mainCf: "myhostname = mx.example.com\nmydestination = $myhostname, localhost\nrelay_domains = $mydestination\n"),
            // Address verification refuses unknown recipients at RCPT.
            .postfix(mainCf: "relay_domains = example.com\nsmtpd_recipient_restrictions = reject_unauth_destination, reject_unverified_recipient\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes where scope.isExplicit("relay_domains") && scope.isPublicListener {
            // Domains that are also in mydestination (`relay_domains = $mydestination`, the
            // pre-3.0 default) are local: local_recipient_maps checks their recipients.
            // reject_unverified_recipient probes the inside server at RCPT: unknown
            // recipients are refused there, no backscatter.
            if scope.restrictionEntries.contains(where: { $0.item.text == "reject_unverified_recipient" }) { continue }
            let local = Set(scope.list("mydestination").map { $0.text.lowercased() })
            guard let first = scope.list("relay_domains").first(where: { !local.contains($0.text.lowercased()) }),
                  scope.value("relay_recipient_maps").isEmpty else { continue }
            // An item that `$name` brought in is written elsewhere (myhostname = ...); the finding
            // belongs on relay_domains, where a suppression comment would go.
            let span = first.parameter == "relay_domains" ? first.span : nil
            let what = first.text.contains(":") ? "the domains of `\(first.text)`" : "`\(first.text)`"
            out.add(Self.diagnostic("mail for \(what) is accepted for any recipient: `relay_recipient_maps` is empty",
                                    at: span ?? scope.anchor("relay_domains"),
                                    fix: "set `relay_recipient_maps = hash:/etc/postfix/relay_recipients` listing valid addresses"))
        }
        return out.all
    }
}
