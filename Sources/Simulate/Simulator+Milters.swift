/// The stage after RCPT that the simulator does not predict: a content milter (rspamd with
/// `engine = rspamd`) judges the message at the end of DATA, from its content, its score and
/// state the simulator does not have (Redis's greylisting records, clamd). A recipient the
/// restrictions accept is therefore accepted at RCPT only; the trace names the milter that
/// decides next, and the verdict lists it as not evaluated instead of guessing its answer.
extension Simulator {
    func milterStage(_ state: inout CheckState) {
        let milters = context.items("smtpd_milters")
        guard !milters.isEmpty else { return }
        let onFailure = context.value("milter_default_action").lowercased()
        for m in milters {
            state.trace.append(TraceStep(list: "smtpd_milters", restriction: "milter \(m)", lookups: [],
                                         result: "decides at end of DATA", reply: nil))
            state.notEvaluated.append(NotEvaluated(
                restriction: "milter \(m)",
                reason: "the milter judges the message after RCPT, at the end of DATA (spam score, greylisting, virus scan): "
                    + "a 250 here is the RCPT reply only; if it cannot be reached Postfix applies milter_default_action = "
                    + (onFailure.isEmpty ? "tempfail" : onFailure),
                alternative: nil))
        }
    }
}
