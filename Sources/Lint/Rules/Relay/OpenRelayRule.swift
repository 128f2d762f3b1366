import Diagnostics
import PostfixConfig

/// GW2001: a path on which a client outside mynetworks gets OK before the relay guard.
struct OpenRelayRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2001", name: "open-relay", severity: .error,
        summary: "an outsider can relay: something permits before the relay guard",
        rationale: """
        smtpd ends a restriction list at the first OK. In the lists that decide relaying \
        (`smtpd_relay_restrictions`, then `smtpd_recipient_restrictions`; before Postfix 2.10 the \
        recipient list alone) anything that can return OK before `reject_unauth_destination` \
        lets the client relay mail to any domain: a literal `permit`, `mynetworks` covering the \
        world, a restriction class that permits, or an access table whose entries say `OK`, \
        `RELAY`, `DISCARD` or a bare number for a key the attacker chooses (the HELO name, the \
        sender address). The finding shows the restriction, the table line and the command that \
        opens the relay. Entries keyed on specific clients are reported as warnings: that trust \
        may be intended.
        """,
        triggering: [
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_restriction_classes = friendly
            friendly = permit
            smtpd_relay_restrictions = ↓check_client_access hash:/etc/postfix/clients, reject_unauth_destination
            """, [("clients", "unknown friendly\n")]),
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_relay_restrictions = permit_mynetworks,
                ↓check_helo_access hash:/etc/postfix/helo_access,
                reject_unauth_destination
            """, [("helo_access", "partner.example.org OK\n")]),
            .postfix(mainCf: """
            smtpd_recipient_restrictions = ↓check_sender_access hash:/etc/postfix/senders, reject_unauth_destination
            """, [("senders", "example.com 250\n")]),
            .postfix(mainCf: """
            compatibility_level = 2
            mynetworks = 0.0.0.0/0
            smtpd_relay_restrictions = ↓permit_mynetworks, reject_unauth_destination
            """),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination,
                check_helo_access hash:/etc/postfix/helo_access
            """, [("helo_access", "partner.example.org OK\n")]),
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
            smtpd_recipient_restrictions = check_helo_access hash:/etc/postfix/helo_access
            """, [("helo_access", "partner.example.org OK\n")]),
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_relay_restrictions = check_helo_access hash:/etc/postfix/helo_access, reject_unauth_destination
            """, [("helo_access", "partner.example.org REJECT go away\nother.example.org DUNNO\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen = Set<String>()
        let services = RelayAnalysis.services(of: config)
        for service in services {
            let a = RelayAnalysis.analyze(config, service: service)
            guard a.isOpenForSome else { continue }
            let anyone = a.isOpen
            let scope = config.parameters(for: service)
            let guarded = a.lists.filter { $0.relayGuard != nil }
            for list in guarded {
                let others = guarded.filter { $0.parameter != list.parameter }
                for p in list.permits where p.anyOutsider || !anyone {
                    var notes = p.notes
                    if let g = list.relayGuard {
                        notes.append(.init(g.span == nil ? "the relay guard `\(g.text)` (Postfix's default for `\(list.parameter)`) comes after it"
                                                         : "the relay guard `\(g.text)` comes after it", at: g.span))
                    }
                    for o in others {
                        if let q = o.permits.first(where: { $0.anyOutsider || !anyone }) {
                            notes.append(.init("`\(o.parameter)` lets it through too: `\(q.restrictionText)` with \(q.trigger)",
                                               at: q.restriction.span))
                        }
                    }
                    if services.count > 1, let s = service { notes.append(.init("in master.cf service `\(s.name)`", at: s.span)) }
                    let message = anyone
                        ? "`\(p.restrictionText)` lets any client relay: \(p.trigger) gets OK before the relay guard"
                        : p.forListedRecipients
                        ? "`\(p.restrictionText)` lets any client relay to the listed destination: \(p.trigger) gets OK before the relay guard"
                        : "`\(p.restrictionText)` lets \(p.trigger) relay to any domain, before the relay guard"
                    let span = p.restriction.span ?? scope.anchor(list.parameter)
                    let key = "\(span)|\(message)"
                    guard seen.insert(key).inserted else { continue }
                    out.append(Self.diagnostic(message, at: span, notes: notes, fix: p.fix,
                                               severity: p.anyOutsider ? .error : .warning))
                }
            }
        }
        return out
    }
}
