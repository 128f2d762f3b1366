import PostfixConfig
import ConfigModel

/// Predicts smtpd's reply to each MAIL/RCPT of a transaction, the way smtpd_check.c decides
/// (postfix-semantics.md §2, §4): delayed client/HELO/sender lists re-run at every RCPT,
/// relay and recipient lists in the configured order (a reject in the first ends it, an OK
/// ends only that list), defer_if_permit turning a permit into 450, the implicit
/// unknown-recipient check, and the bare `postmaster` exemption.
///
/// ```swift
/// let input = try SimulationInput.load(postfixDirectory: "/etc/postfix")
/// let result = Simulator(context: input.context(dns: nil)).simulate(transaction)
/// result.verdicts.first?.reply.description   // "554 5.7.1 <a@b>: Relay access denied"
/// ```
public struct Simulator: Sendable {
    public let context: SimulationContext
    private let evaluator: RestrictionEvaluator

    public init(context: SimulationContext) {
        self.context = context
        self.evaluator = RestrictionEvaluator(context: context)
    }

    public func simulate(_ transaction: Transaction) -> SimulationResult {
        let delayReject = context.bool("smtpd_delay_reject")
        var state = CheckState(transaction: transaction, recipient: nil, rcptCount: 0)
        state.transaction.sender = AddressSyntax.internalForm(transaction.sender)
        func mailVerdict(_ reply: SimulatedReply) -> SimulationResult {
            SimulationResult(transaction: transaction, verdicts: [
                RecipientVerdict(recipient: "", command: "MAIL", reply: reply, trace: state.trace,
                                 notEvaluated: state.notEvaluated),
            ])
        }
        if let failure = SmtpdStartup(context: context).failure(lists: recipientLists()) {
            let reply = SmtpdStartup.reply(failure)
            state.trace.append(TraceStep(list: "smtpd start-up", restriction: "has_required", lookups: [],
                                         result: "FATAL", reply: reply))
            return mailVerdict(reply)
        }
        if let screen = context.postscreen {
            let verdict = PostscreenEvaluator(scope: screen, tables: context.tables, dns: context.dns).judge(transaction)
            state.trace = verdict.trace
            state.notEvaluated = verdict.notEvaluated
            switch verdict.outcome {
            case .pass: break
            case .drop(let reply):
                return SimulationResult(transaction: transaction, verdicts: [
                    RecipientVerdict(recipient: "", command: "CONNECT", reply: reply, trace: state.trace, notEvaluated: state.notEvaluated),
                ])
            case .enforce(let reply):
                // postscreen's own SMTP engine takes MAIL and refuses every RCPT; smtpd never runs.
                return SimulationResult(transaction: transaction, verdicts: transaction.recipients.map {
                    RecipientVerdict(recipient: $0, command: "RCPT", reply: reply, trace: state.trace, notEvaluated: state.notEvaluated)
                })
            }
        }
        if !delayReject {
            state.senderUnknown = true
            defer { state.senderUnknown = false }
            // Without delay the client is judged at connect: its first command gets the reject
            // (the trace shows it), every later one, MAIL included, `503 5.7.0 Error: access
            // denied for NAME[ADDR]` (seen with Postfix 3.7).
            if run(.client, &state) != nil {
                if state.crashed, let reply = state.lastReply { return mailVerdict(reply) }
                return mailVerdict(SimulatedReply(code: 503, enhancedStatus: "5.7.0",
                                                  text: "Error: access denied for \(transaction.namaddr)"))
            }
            // A DISCARD the client list gives at connect, or the HELO list at HELO, does not
            // survive into the mail transaction (seen with Postfix 3.7: MAIL and RCPT checks
            // still reject); one from the sender list at MAIL does.
            // A rejected HELO/EHLO leaves the session without a HELO name.
            if run(.helo, &state) != nil {
                if state.crashed, let reply = state.lastReply { return mailVerdict(reply) }
                state.transaction.helo = nil
            }
            if transaction.helo != nil { state.discard = false }
        }
        if state.transaction.helo == nil, context.bool("smtpd_helo_required") {
            let reply = SimulatedReply(code: 503, enhancedStatus: "5.5.1", text: "Error: send HELO/EHLO first")
            state.trace.append(TraceStep(list: "smtpd_helo_required", restriction: "smtpd_helo_required = yes",
                                         lookups: [], result: "REJECT", reply: reply))
            return mailVerdict(reply)
        }
        if !AddressSyntax.isValid(AddressSyntax.strippingSourceRoute(transaction.sender), allowEmpty: true) {
            return mailVerdict(SimulatedReply(code: 501, enhancedStatus: "5.1.7", text: "Bad sender address syntax"))
        }
        if !delayReject, let reply = run(.sender, &state) { return mailVerdict(reply) }

        var verdicts: [RecipientVerdict] = []
        var accepted = 0
        var discarded = false
        for given in transaction.recipients {
            let recipient = AddressSyntax.strippingSourceRoute(given)
            guard AddressSyntax.isValid(recipient, allowEmpty: false), !emptyAfterLocalDomain(recipient) else {
                let reply = SimulatedReply(code: 501, enhancedStatus: "5.1.3", text: "Bad recipient address syntax")
                verdicts.append(RecipientVerdict(recipient: given, command: "RCPT", reply: reply, trace: [
                    TraceStep(list: "", restriction: "address syntax", lookups: [], result: "REJECT", reply: reply),
                ], notEvaluated: []))
                continue
            }
            let checked = AddressSyntax.internalForm(recipient)
            var rcptState = CheckState(transaction: state.transaction, recipient: checked, rcptCount: accepted)
            rcptState.deferIfPermitClient = state.deferIfPermitClient
            rcptState.deferIfPermitHelo = state.deferIfPermitHelo
            rcptState.deferIfPermitSender = state.deferIfPermitSender
            rcptState.trace = state.trace
            // A DISCARD (at MAIL, or at an earlier RCPT) discards the whole message: smtpd
            // then says OK to every later recipient (seen with Postfix 3.7).
            rcptState.discard = state.discard || discarded
            let reply = checkRecipient(checked, &rcptState, delayReject: delayReject)
            if rcptState.discard { discarded = true }
            if reply.isAccept {
                accepted += 1
                milterStage(&rcptState)
            }
            verdicts.append(RecipientVerdict(recipient: recipient, command: "RCPT", reply: reply, trace: rcptState.trace,
                                             notEvaluated: state.notEvaluated + rcptState.notEvaluated))
            // A crashed smtpd answers no later command.
            if rcptState.crashed { break }
        }
        return SimulationResult(transaction: transaction, verdicts: verdicts)
    }

    /// `u@@local.domain`: once trivial-rewrite strips the local domain, `u@` is left with no
    /// domain at all, which the resolver flags as an error (501; seen with Postfix 3.7).
    private func emptyAfterLocalDomain(_ address: String) -> Bool {
        guard let at = address.lastIndex(of: "@") else { return false }
        let rest = address[..<at]
        return rest.hasSuffix("@") && evaluator.resolver.isLocal(String(address[address.index(after: at)...]))
    }

    private enum Stage { case client, helo, sender }

    /// smtpd_check_client / _helo / _mail: the reject reply, or nil.
    private func run(_ stage: Stage, _ state: inout CheckState) -> SimulatedReply? {
        let tx = state.transaction
        let status: CheckStatus
        switch stage {
        case .client:
            state.deferIfPermit = nil
            state.resetForStage()
            status = runList("smtpd_client_restrictions", &state, replyName: tx.namaddr,
                             replyClass: RestrictionEvaluator.client, acl: "check_client_access")
            state.deferIfPermitClient = state.deferIfPermit
        case .helo:
            guard let helo = tx.helo else { return nil }
            state.deferIfPermit = state.deferIfPermitClient
            state.resetForStage()
            status = runList("smtpd_helo_restrictions", &state, replyName: helo,
                             replyClass: RestrictionEvaluator.helo, acl: "check_helo_access")
            state.deferIfPermitHelo = state.deferIfPermit
        case .sender:
            state.deferIfPermit = state.deferIfPermitClient ?? state.deferIfPermitHelo
            state.resetForStage()
            status = runList("smtpd_sender_restrictions", &state, replyName: tx.sender,
                             replyClass: RestrictionEvaluator.sender, acl: "check_sender_access")
            state.deferIfPermitSender = state.deferIfPermit
        }
        return status == .reject ? state.lastReply : nil
    }

    private func runList(_ parameter: String, _ state: inout CheckState, replyName: String, replyClass: String,
                         acl: String) -> CheckStatus {
        let list = context.items(parameter)
        guard !list.isEmpty else { return .dunno }
        state.currentList = parameter
        return evaluator.genericChecks(&state, list, replyName: replyName, replyClass: replyClass, defaultACL: acl)
    }

    /// smtpd_check_rcpt().
    private func checkRecipient(_ recipient: String, _ state: inout CheckState, delayReject: Bool) -> SimulatedReply {
        if recipient.lowercased() == "postmaster" {
            state.trace.append(TraceStep(list: "", restriction: "bare postmaster", lookups: [], result: "OK", reply: nil))
            return .rcptOK
        }
        if delayReject {
            for stage in [Stage.client, .helo, .sender] {
                if let reply = run(stage, &state) { return reply }
            }
        }
        state.deferIfPermit = state.deferIfPermitSender
        state.resetForStage()
        var status = CheckStatus.dunno
        for list in recipientLists() {
            status = runList(list, &state, replyName: recipient, replyClass: RestrictionEvaluator.recipient,
                             acl: "check_recipient_access")
            if status == .reject { break }
        }
        if status != .reject, let deferral = state.deferIfPermit {
            status = evaluator.reject(&state, deferral.code, deferral.dsn, deferral.text, restriction: "defer_if_permit")
        }
        if context.value("smtpd_reject_unlisted_recipient").lowercased() != "no", status != .reject,
           !state.recipientRcptmapChecked, !state.discard {
            state.currentList = "smtpd_reject_unlisted_recipient"
            status = evaluator.recipientMaps(&state, recipient, "reject_unlisted_recipient (implicit)")
        }
        return status == .reject ? (state.lastReply ?? .rcptOK) : .rcptOK
    }

    /// Relay and recipient lists in evaluation order. Below compatibility level 1 a default
    /// smtpd_relay_restrictions only warns (smtpd evaluates a non-rejecting stand-in): skip it.
    func recipientLists() -> [String] { Self.activeRecipientLists(context.parameters) }

    /// The relay and recipient lists smtpd evaluates for `p`, in order.
    public static func activeRecipientLists(_ p: ParameterScope) -> [String] {
        let relayActive = p.config.version >= PostfixVersion(2, 10)
            && (p.isExplicit("smtpd_relay_restrictions") || p.compatibilityLevel >= CompatibilityLevel("1"))
        return p.relayListsInOrder.filter { $0 != "smtpd_relay_restrictions" || relayActive }
    }
}
