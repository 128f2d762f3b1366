/// The result of one restriction or list (smtpd_check.c: DUNNO 0, OK 1, REJECT 2).
enum CheckStatus: Equatable {
    case dunno, ok, reject
}

/// A postponed decision (defer_if_permit / defer_if_reject): the first reason wins.
struct Deferral: Equatable {
    var code: Int
    var dsn: String
    var text: String
}

/// Per-command evaluation state, as smtpd keeps it in SMTPD_STATE.
struct CheckState {
    var transaction: Transaction
    /// The recipient being checked (nil in client/helo/sender stages without delay).
    var recipient: String?
    var rcptCount: Int
    var recursion = 0
    var warnIfReject = 0
    var deferIfPermit: Deferral?
    var deferIfReject: Deferral?
    var deferIfPermitClient: Deferral?
    var deferIfPermitHelo: Deferral?
    var deferIfPermitSender: Deferral?
    var recipientRcptmapChecked = false
    var discard = false
    /// The client and HELO lists run before MAIL FROM (smtpd_delay_reject = no): sender
    /// restrictions there see no sender and do nothing.
    var senderUnknown = false
    /// smtpd would crash evaluating this (class recursion): no SMTP reply at all.
    var crashed = false
    /// The reply of the last reject (smtpd's error_text).
    var lastReply: SimulatedReply?
    var trace: [TraceStep] = []
    var notEvaluated: [NotEvaluated] = []
    var currentList = ""

    mutating func resetForStage() {
        recursion = 0
        warnIfReject = 0
        deferIfReject = nil
    }
}
