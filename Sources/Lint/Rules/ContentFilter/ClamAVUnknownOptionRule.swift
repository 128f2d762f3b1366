import Diagnostics
import PostfixConfig

/// GW5010: an option clamd or freshclam does not know (they refuse to start).
struct ClamAVUnknownOptionRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5010", name: "clamav-unknown-option", severity: .error,
        summary: "clamd.conf or freshclam.conf holds an option ClamAV does not know",
        rationale: """
        ClamAV's option parser stops at the first unknown option (`ERROR: Parse error at \
        clamd.conf:N: Unknown option X`): clamd or freshclam does not start, so mail waits \
        in the queue (amavis tempfails) or signatures stop updating. The option table is \
        generated from `clamconf` of the installed ClamAV.
        """,
        triggering: [
            .postfix(mainCf: "", [("clamd.conf", "LocalSocket /run/clamav/clamd.ctl\n↓ScanMails yes\n")]),
            .postfix(mainCf: "", [("freshclam.conf", "↓DatabaseMirrors database.clamav.net\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("clamd.conf", "LocalSocket /run/clamav/clamd.ctl\nScanMail yes\nExample\n"),
                                  ("freshclam.conf", "DatabaseMirror database.clamav.net\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (role, known, deprecated) in [("clamd.conf", ClamAVKnowledge.clamdOptions, ClamAVKnowledge.deprecatedClamdOptions),
                                          ("freshclam.conf", ClamAVKnowledge.freshclamOptions, ClamAVKnowledge.deprecatedFreshclamOptions)] {
            guard let conf = config.clamConf(role) else { continue }
            for o in conf.options where !known.contains(o.name) && !deprecated.contains(o.name) && o.name != "Example" {
                var message = "`\(o.name)` is not a \(role) option; \(role == "clamd.conf" ? "clamd" : "freshclam") refuses to start"
                var fix = "remove the line"
                if let s = Suggest.closest(to: o.name, in: known) {
                    message += "; did you mean `\(s)`?"
                    fix = "write `\(s)`"
                }
                out.append(Self.diagnostic(message, at: o.nameSpan, fix: fix))
            }
        }
        return out
    }
}
