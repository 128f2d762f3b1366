import Diagnostics
import PostfixConfig

/// GW5040: a content milter whose failure lets mail through.
struct MilterFailsOpenRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW5040", name: "milter-fails-open", severity: .warning,
        summary: "`milter_default_action = accept` with milters: mail passes unscanned when the milter is down",
        rationale: """
        `milter_default_action` is what Postfix does when a milter cannot be reached, times out \
        or answers garbage. With `accept`, every message that arrives while rspamd (or any \
        content milter) is restarting, overloaded or crashed is delivered without spam, virus or \
        greylisting checks, and nothing says so to the sender. `tempfail` (Postfix's default \
        since 2.6) answers 451: the sender retries, and the gateway fails closed.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_milters = inet:192.168.40.3:11332\nmilter_default_action = ↓accept\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_milters = inet:192.168.40.3:11332\nmilter_default_action = tempfail\n"),
            .postfix(mainCf: "milter_default_action = accept\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes {
            let milters = ["smtpd_milters", "non_smtpd_milters"].filter { !scope.value($0).isEmpty }
            guard let list = milters.first, scope.value("milter_default_action").lowercased() == "accept",
                  let span = scope.origin("milter_default_action")?.valueSpan else { continue }
            var notes: [Diagnostic.Note] = []
            if let s = scope.origin(list)?.valueSpan { notes.append(.init("`\(list)` set here", at: s)) }
            out.add(Self.diagnostic("`milter_default_action = accept`: while a milter is unreachable, mail passes without it (unscanned, unchecked or unsigned)",
                                    at: span, notes: notes, fix: "set `milter_default_action = tempfail` (the sender retries)"))
        }
        return out.all
    }
}
