import FoundationEssentials
import PostfixConfig
import ConfigModel

/// The open-relay verdict, decided by the simulator: a relay attempt (an outsider's client
/// address, HELO, sender and a recipient in a foreign domain, each possibly chosen to hit a
/// table entry) is simulated against the configuration exactly as `gatewayctl simulate` would,
/// so lint and simulate cannot disagree. Lint proposes the attempts (RelayAnalysis's permits);
/// this decides which of them relay.
public struct RelayVerifier {
    public let simulator: Simulator
    /// The linted directory, for the `gatewayctl simulate --postfix DIR` line.
    public let directory: String
    let config: PostfixConfigSet

    /// The outsider every attempt starts from.
    public static let outsider = Transaction(clientAddress: "198.51.100.7", clientName: nil,
                                             helo: "probe.\(AttackChoice.attackerDomain)",
                                             sender: "probe@\(AttackChoice.attackerDomain)",
                                             recipients: ["victim@\(AttackChoice.foreignDomain)"])

    public init(config: PostfixConfigSet, service: MasterService?) {
        self.config = config
        let scope = config.parameters(for: service)
        // Only the linted tree is read: a table outside it (`/etc/aliases`, `pcre:/etc/passwd`)
        // names a file of the server, not of the machine running lint; it reads as missing.
        let locate: @Sendable (String) -> String = { [config] path in
            let local = config.localPath(path, in: scope)
            return config.isInLintedTree(local) ? local : ""
        }
        let tables = FileTableProvider(locate: locate, read: { [config] local in config.readFile(local) })
        simulator = Simulator(context: SimulationContext(parameters: scope, tables: tables))
        directory = config.root.isEmpty ? "." : config.root
    }

    /// One simulated relay attempt.
    public struct Attempt: Sendable {
        public var transaction: Transaction
        public var verdict: RecipientVerdict
        /// Accepted, not discarded, and the recipient is not one of ours.
        public var relays: Bool
        /// Only a listed client, or only a listed destination: trust that may be intended.
        public var onlyListed: Bool
        /// Tables the attempt needed but that are not in the linted tree.
        public var unreadableTables: [String]
        public var notEvaluated: [NotEvaluated] { verdict.notEvaluated }
    }

    /// The outsider with `choices` applied; nil when two choices want different values for
    /// the same field (a HELO key and another HELO key).
    public static func transaction(_ choices: [AttackChoice]) -> Transaction? {
        var t = outsider
        var set: [AttackChoice.Field: String] = [:]
        for c in choices {
            if let v = set[c.field], v != c.value { return nil }
            set[c.field] = c.value
            switch c.field {
            case .clientAddress: t.clientAddress = c.value
            case .clientName: t.clientName = c.value.isEmpty ? nil : c.value
            case .helo: t.helo = c.value
            case .sender: t.sender = c.value
            case .recipient: t.recipients = [c.value]
            }
        }
        return t
    }

    public func attempt(_ choices: [AttackChoice]) -> Attempt? {
        guard let t = Self.transaction(choices) else { return nil }
        let result = simulator.simulate(t)
        guard let verdict = result.verdicts.last else { return nil }
        let discarded = verdict.trace.contains { $0.result == "DISCARD" }
        let recipient = t.recipients.first ?? ""
        let ours = verdict.command == "RCPT" && simulator.isOurDestination(recipient)
        let relays = verdict.command == "RCPT" && verdict.reply.isAccept && !discarded && !ours
        let listed = choices.contains(where: \.listed)
        // Access tables the attempt consulted but could not read (recipient validation maps,
        // assumed to list every address, do not decide relaying).
        // Only the relay-deciding lists (and classes) matter: an OK elsewhere decides nothing.
        let deciding = Set(Simulator.activeRecipientLists(simulator.context.parameters))
            .union(simulator.context.parameters.list("smtpd_restriction_classes").map(\.text))
        let consulted = Set(verdict.trace.filter { $0.result.hasPrefix("not evaluated") && deciding.contains($0.list) }.map(\.restriction))
        let unreadable = verdict.notEvaluated.compactMap { n -> String? in
            guard consulted.contains(n.restriction), n.reason.hasPrefix("table `"), n.reason.hasSuffix("cannot be read") else { return nil }
            return n.reason.split(separator: "`").dropFirst().first.map(String.init)
        }
        return Attempt(transaction: t, verdict: verdict, relays: relays, onlyListed: listed,
                       unreadableTables: Array(Set(unreadable)).sorted())
    }

    /// The command that shows the attempt: `gatewayctl simulate --postfix DIR ...`.
    public func commandLine(_ t: Transaction) -> String {
        var words = ["gatewayctl", "simulate", "--postfix", directory, "--client-address", t.clientAddress]
        if let name = t.clientName { words += ["--client-name", name] }
        if let helo = t.helo { words += ["--helo", helo] } else { words.append("--no-helo") }
        words += ["--from", t.sender.isEmpty ? "<>" : t.sender]
        for r in t.recipients { words += ["--to", r] }
        return words.map(Self.shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "@%+=:,./_-".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }
}

extension Simulator {
    /// The recipient is ours (local, virtual, relay domain): accepting it is not relaying.
    func isOurDestination(_ recipient: String) -> Bool {
        let resolved = RestrictionEvaluator(context: context).resolver.resolve(recipient)
        if resolved.domain.isEmpty { return true }
        if resolved.routed { return false }
        return resolved.isFinal || resolved.addressClass == .relay
    }
}
