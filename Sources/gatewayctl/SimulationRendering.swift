import ConfigModel
import Diagnostics
import Simulate

/// Text and JSON forms of a simulation result (`simulate`).
enum SimulationRendering {
    static func text(_ result: SimulationResult) -> String {
        let tx = result.transaction
        var out = "client \(tx.namaddr), helo \(tx.helo.map { "<\($0)>" } ?? "(none)"), from <\(tx.sender)>\n"
        for verdict in result.verdicts {
            let who = verdict.command == "RCPT" ? "RCPT <\(verdict.recipient)>" : verdict.command
            out += "\(who): \(verdict.reply)\n"
            for step in verdict.trace {
                var line = "  "
                if !step.list.isEmpty { line += step.list + ": " }
                line += step.restriction
                if !step.lookups.isEmpty { line += " [" + step.lookups.joined(separator: ", ") + "]" }
                line += " -> " + step.result
                if let reply = step.reply { line += " (\(reply))" }
                out += line + "\n"
            }
            for item in verdict.notEvaluated {
                out += "  not evaluated (\(item.reason)): \(item.restriction)"
                if let alternative = item.alternative { out += "; otherwise \(alternative)" }
                out += "\n"
            }
        }
        return out + "verdict: \(result.outcome.rawValue)\n"
    }

    /// Batch: `line N: verdict: RCPT <a>: reply; RCPT <b>: reply`.
    static func line(_ result: SimulationResult, number: Int) -> String {
        let parts = result.verdicts.map { verdict in
            (verdict.command == "RCPT" ? "RCPT <\(verdict.recipient)>" : verdict.command) + ": \(verdict.reply)"
                + (verdict.notEvaluated.isEmpty ? "" : " (\(verdict.notEvaluated.count) not evaluated)")
        }
        return "line \(number): \(result.outcome.rawValue): " + parts.joined(separator: "; ")
    }

    static func json(_ result: SimulationResult, line: Int? = nil) -> JSONValue {
        let tx = result.transaction
        func reply(_ r: SimulatedReply) -> JSONValue {
            .object([("code", .int(r.code)), ("enhancedStatus", .string(r.enhancedStatus)), ("text", .string(r.text))])
        }
        let verdicts: [JSONValue] = result.verdicts.map { v in
            .object([
                ("command", .string(v.command)),
                ("recipient", .string(v.recipient)),
                ("reply", reply(v.reply)),
                ("trace", .array(v.trace.map { step in
                    .object([("list", .string(step.list)), ("restriction", .string(step.restriction)),
                             ("lookups", .array(step.lookups.map(JSONValue.string))), ("result", .string(step.result)),
                             ("reply", step.reply.map(reply) ?? .null)])
                })),
                ("notEvaluated", .array(v.notEvaluated.map { item in
                    .object([("restriction", .string(item.restriction)), ("reason", .string(item.reason)),
                             ("alternative", item.alternative.map(reply) ?? .null)])
                })),
            ])
        }
        var members: [(String, JSONValue)] = [("version", .int(1))]
        if let line { members.append(("line", .int(line))) }
        members += [
            ("client", .object([("address", .string(tx.clientAddress)),
                                ("name", tx.clientName.map(JSONValue.string) ?? .null)])),
            ("helo", tx.helo.map(JSONValue.string) ?? .null),
            ("sender", .string(tx.sender)),
            ("outcome", .string(result.outcome.rawValue)),
            ("verdicts", .array(verdicts)),
        ]
        return .object(members)
    }
}
