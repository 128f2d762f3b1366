import Diagnostics
import PostfixConfig

/// GW2019: policy services or DNS lookups run before unknown recipients are refused.
struct CostBeforeUnlistedRecipientRule: PostfixRule {
    init() {}
    /// A build must never emit what this rule reports.
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2019", name: "cost-before-unlisted-recipient", severity: .warning,
        summary: "a policy service (warning) or DNS lookup (info) runs before unknown recipients are refused",
        rationale: """
        Postfix's implicit unknown-recipient check (`smtpd_reject_unlisted_recipient`) runs \
        only after the whole recipient list. A policy service or DNS check before it answers \
        first: postgrey gives a bogus recipient 450 for minutes and stores its triplet, \
        policyd-weight and DNSBLs spend lookups, and the sender learns that the address is \
        unknown only on a retry (or never, when greylisting hides it). Put \
        `reject_unlisted_recipient` right after `reject_unauth_destination`.
        """,
        triggering: [
            .postfix(mainCf: """
            relay_domains = example.com
            relay_recipient_maps = hash:/etc/postfix/relay_recipients
            smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination,
                ↓check_policy_service inet:192.168.40.3:10023
            """),
            .postfix(mainCf: """
            relay_domains = example.com
            smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination,
                ↓reject_rbl_client zen.spamhaus.org=127.0.0.[2..11], reject_unlisted_recipient
            """),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            relay_domains = example.com
            relay_recipient_maps = hash:/etc/postfix/relay_recipients
            smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination,
                reject_unlisted_recipient, check_policy_service inet:192.168.40.3:10023
            """),
            // An outbound relay in a container: it is the final destination of no domain.
            .postfix(mainCf: """
            compatibility_level = 3.6
            mydestination =
            smtpd_relay_restrictions = permit_mynetworks, reject
            smtpd_recipient_restrictions = reject_non_fqdn_recipient, reject_unknown_recipient_domain, reject
            """),
            .postfix(mainCf: """
            smtpd_reject_unlisted_recipient = no
            smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination,
                check_policy_service inet:192.168.40.3:10023
            """),
        ])

    /// main.cf alone, the smtpd on port 25, or postscreen's `pass` service: where mail for
    /// the domains arrives (submission takes authenticated mail going out).
    static func receivesInboundMail(_ scope: ParameterScope) -> Bool {
        guard let s = scope.service else { return true }
        if s.type == "pass" { return true }
        return ["smtp", "25"].contains(s.name.split(separator: ":").last.map(String.init) ?? s.name)
    }

    static let rcptLists: Set<String> = ["smtpd_client_restrictions", "smtpd_helo_restrictions", "smtpd_sender_restrictions",
                                         "smtpd_relay_restrictions", "smtpd_recipient_restrictions"]
    static let unlistedChecks: Set<String> = ["reject_unlisted_recipient", "check_recipient_maps"]
    /// The address classes whose recipients smtpd can know (local, virtual alias, virtual
    /// mailbox, relay); `virtual_alias_domains` defaults to `$virtual_alias_maps`.
    static let recipientDomainLists = ["mydestination", "virtual_alias_domains", "virtual_mailbox_domains", "relay_domains"]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes where Self.receivesInboundMail(scope) {
            // The lists smtpd evaluates up to RCPT (restriction classes are reached through them).
            let entries = scope.restrictionEntries.filter { e in
                [.client, .helo, .sender, .recipient].contains(e.stage) && Self.rcptLists.contains(e.list)
            }
            let unlisted = entries.firstIndex { Self.unlistedChecks.contains($0.item.text) }
            let implicit = scope.value("smtpd_reject_unlisted_recipient").lowercased() != "no"
            guard unlisted != nil || implicit else { continue }
            // A null client or outbound relay receives for no domain: no recipient is ever
            // "unknown", so nothing is spent before a 550.
            guard Self.recipientDomainLists.contains(where: { !scope.list($0).isEmpty }) else { continue }
            let before = entries[..<(unlisted ?? entries.count)]
            // A policy service (greylisting: 450 for minutes, a database entry) is a warning; a
            // DNS lookup alone costs one query and delays the 550, so it is information.
            let policy = before.firstIndex { $0.item.text == "check_policy_service" }
            guard let costly = policy ?? before.firstIndex(where: { $0.info?.needsDNS == true }) else { continue }
            let e = entries[costly]
            let text = e.argument.map { "\(e.item.text) \($0.text)" } ?? e.item.text
            let cost = policy != nil ? "a policy service query (a greylisting one answers 450 and stores the triplet, hiding the 550)" : "a DNS query before its 550"
            out.add(Self.diagnostic("`\(text)` in `\(e.list)` runs before unknown recipients are refused: a bogus recipient costs \(cost)",
                                    at: e.item.span ?? scope.anchor(e.list),
                                    fix: "add `reject_unlisted_recipient` right after `reject_unauth_destination`",
                                    severity: policy != nil ? .warning : .info))
        }
        return out.all
    }
}
