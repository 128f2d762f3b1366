import ConfigModel

/// A reply exactly as smtpd would send it: `554 5.7.1 <a@b>: Relay access denied`.
public struct SimulatedReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var enhancedStatus: String
    public var text: String

    public init(code: Int, enhancedStatus: String, text: String) {
        self.code = code
        self.enhancedStatus = enhancedStatus
        self.text = text
    }

    public var description: String { "\(code) \(enhancedStatus) \(text)" }
    public var isAccept: Bool { code < 400 }
    public var isDefer: Bool { (400..<500).contains(code) }

    /// smtpd's `250 2.1.5 Ok` for an accepted RCPT and `250 2.1.0 Ok` for MAIL.
    public static let rcptOK = SimulatedReply(code: 250, enhancedStatus: "2.1.5", text: "Ok")
    public static let mailOK = SimulatedReply(code: 250, enhancedStatus: "2.1.0", text: "Ok")
}

/// What happened to one recipient (or to MAIL, when it never got that far).
public struct RecipientVerdict: Sendable, Equatable {
    public var recipient: String
    /// The SMTP command whose reply decided: `MAIL` or `RCPT`.
    public var command: String
    public var reply: SimulatedReply
    public var trace: [TraceStep]
    /// Checks whose outcome needs something the simulator does not have (DNS, a policy
    /// daemon's judgement): the verdict assumes the harmless answer, `alternative` is the reply
    /// Postfix gives on the other answer.
    public var notEvaluated: [NotEvaluated]
}

/// One restriction as evaluated.
public struct TraceStep: Sendable, Equatable {
    /// `smtpd_client_restrictions`, … or a restriction class name.
    public var list: String
    public var restriction: String
    /// Keys looked up in a table, in order (empty for non-table checks).
    public var lookups: [String]
    /// `DUNNO`, `OK`, `REJECT`, `DEFER_IF_PERMIT`, `WARN` (reject_warning), `skipped`.
    public var result: String
    /// The reply a reject would give.
    public var reply: SimulatedReply?
}

public struct NotEvaluated: Sendable, Equatable {
    public var restriction: String
    /// Why: `needs DNS`, `needs the policy service's answer`.
    public var reason: String
    /// The reply when the unknown answer is the unfavourable one.
    public var alternative: SimulatedReply?
}

/// The overall outcome: the exit status contract of `gatewayctl simulate`.
public enum SimulationOutcome: String, Sendable {
    case accepted, rejected, deferred

    /// 0 accepted (every recipient), 1 rejected (any permanent reject), 3 deferred (otherwise).
    public var exitStatus: Int32 {
        switch self {
        case .accepted: 0
        case .rejected: 1
        case .deferred: 3
        }
    }
}

public struct SimulationResult: Sendable, Equatable {
    public var transaction: Transaction
    public var verdicts: [RecipientVerdict]

    public var outcome: SimulationOutcome {
        if verdicts.contains(where: { $0.reply.code >= 500 }) { return .rejected }
        if verdicts.contains(where: { $0.reply.isDefer }) { return .deferred }
        return .accepted
    }
}
