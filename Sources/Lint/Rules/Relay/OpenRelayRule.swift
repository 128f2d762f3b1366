import Diagnostics
import PostfixConfig
import Simulate

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

    /// Relay attempts simulated per service, at most: a permit alone, then with the permits
    /// of the other relay-deciding list (both lists must let a recipient through).
    static let attemptBudget = 600

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen = Set<String>()
        let services = RelayAnalysis.services(of: config)
        for service in services {
            let a = RelayAnalysis.analyze(config, service: service)
            // smtpd that does not start relays nothing (GW2002 says why).
            guard a.startsUp else { continue }
            let scope = config.parameters(for: service)
            let verifier = RelayVerifier(config: config, service: service)
            var budget = Self.attemptBudget
            var unreadable = Set<String>()
            var found = false
            func emit(_ message: String, at span: SourceSpan?, notes: [Diagnostic.Note], fix: String, severity: Severity) {
                var notes = notes
                if services.count > 1, let s = service { notes.append(.init("in master.cf service `\(s.name)`", at: s.span)) }
                let span = span ?? scope.anchor(a.lists.first?.parameter ?? "smtpd_recipient_restrictions")
                guard seen.insert("\(span)|\(message)").inserted else { return }
                out.append(Self.diagnostic(message, at: span, notes: notes, fix: fix, severity: severity))
                found = true
            }
            for list in a.lists {
                let others = a.lists.filter { $0.parameter != list.parameter }.flatMap(\.permits).filter(\.simulable)
                for p in list.permits {
                    var notes = p.notes
                    if let g = list.relayGuard {
                        notes.append(.init(g.span == nil ? "the relay guard `\(g.text)` (Postfix's default for `\(list.parameter)`) comes after it"
                                                         : "the relay guard `\(g.text)` comes after it", at: g.span))
                    }
                    guard p.simulable, budget > 0 else {
                        // A trigger the simulator cannot pose (DNS data, a certificate), or a
                        // table too big to try every entry: the analysis's own verdict stands.
                        guard a.isOpenForSome, p.anyOutsider || !a.isOpen else { continue }
                        let why = p.simulable ? "the first \(Self.attemptBudget) relay attempts were simulated"
                            : "the simulator cannot pose \(p.trigger)"
                        emit(Self.message(p, anyone: a.isOpen), at: p.restriction.span,
                             notes: notes + [.init("not confirmed by simulation: \(why)", at: nil)],
                             fix: p.fix, severity: p.anyOutsider ? .error : .warning)
                        continue
                    }
                    var candidates = [p.attack]
                    for q in others where candidates.count < 40 { candidates.append(p.attack + q.attack) }
                    var relay: RelayVerifier.Attempt?
                    for choices in candidates where budget > 0 {
                        budget -= 1
                        guard let attempt = verifier.attempt(choices) else { continue }
                        unreadable.formUnion(attempt.unreadableTables)
                        if attempt.relays { relay = attempt; break }
                    }
                    guard let relay else { continue }
                    let reply = relay.verdict.reply
                    notes.append(.init("relays: `\(verifier.commandLine(relay.transaction))` answers `\(reply)`", at: nil))
                    emit(Self.message(p, anyone: !relay.onlyListed), at: p.restriction.span, notes: notes, fix: p.fix,
                         severity: relay.onlyListed ? .warning : .error)
                }
            }
            // Nothing proposed relays, yet a plain outsider might (a list without a guard that
            // the analysis did not see as open): ask the simulator directly.
            if !found, budget > 0, let plain = verifier.attempt([]) {
                unreadable.formUnion(plain.unreadableTables)
                if plain.relays {
                    emit("any client relays: nothing refuses `RCPT TO:<\(plain.transaction.recipients.first ?? "")>` from an outsider",
                         at: nil, notes: [.init("relays: `\(verifier.commandLine(plain.transaction))` answers `\(plain.verdict.reply)`", at: nil)],
                         fix: "end `smtpd_relay_restrictions` with `reject_unauth_destination`", severity: .error)
                }
            }
            // Tables outside config_directory are GW4005's; a missing file of the tree is a
            // warning, a database or socket table (never in a tree) only informs.
            let tables = unreadable.map { config.tables.table($0, config: config, scope: scope, at: nil) }
                .filter { !$0.isOutsideTree }
            let files = tables.filter { Self.fileTypes.contains($0.type) }
            if !found, !tables.isEmpty {
                let names = tables.map { "`\($0.reference)`" }.sorted().joined(separator: ", ")
                let why = files.isEmpty ? (tables.count == 1 ? "is a table gatewayctl cannot read" : "are tables gatewayctl cannot read")
                    : (tables.count == 1 ? "is not in the linted tree" : "are not in the linted tree")
                emit("the open-relay verdict could not be verified: \(names) \(why)",
                     at: nil, notes: [.init("relay attempts were simulated as if \(tables.count == 1 ? "that table" : "those tables") matched nothing", at: nil)],
                     fix: files.isEmpty ? "check what \(tables.count == 1 ? "that table returns" : "those tables return") before the relay guard"
                         : "lint the directory that holds every table main.cf names",
                     severity: files.isEmpty ? .info : .warning)
            }
        }
        return out
    }

    /// Table types read from a file of the tree.
    static let fileTypes: Set<String> = ["hash", "btree", "cdb", "lmdb", "dbm", "sdbm", "texthash", "cidr", "pcre", "regexp"]

    static func message(_ p: RelayPermit, anyone: Bool) -> String {
        anyone
            ? "`\(p.restrictionText)` lets any client relay: \(p.trigger) gets OK before the relay guard"
            : p.forListedRecipients
            ? "`\(p.restrictionText)` lets any client relay to the listed destination: \(p.trigger) gets OK before the relay guard"
            : "`\(p.restrictionText)` lets \(p.trigger) relay to any domain, before the relay guard"
    }
}
