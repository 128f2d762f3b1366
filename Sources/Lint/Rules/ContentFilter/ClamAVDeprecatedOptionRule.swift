import Diagnostics
import PostfixConfig

/// GW5011: a deprecated ClamAV option.
struct ClamAVDeprecatedOptionRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5011", name: "clamav-deprecated-option", severity: .warning,
        summary: "clamd.conf or freshclam.conf uses a deprecated option",
        rationale: """
        `clamconf` flags these with `*** X is DEPRECATED ***`: the option is ignored today \
        (`AllowSupplementaryGroups` since 0.101: clamd always takes the supplementary groups) \
        and a later release will reject it as unknown, stopping the daemon.
        """,
        triggering: [
            .postfix(mainCf: "", [("clamd.conf", "LocalSocket /run/clamav/clamd.ctl\n↓AllowSupplementaryGroups true\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("clamd.conf", "LocalSocket /run/clamav/clamd.ctl\nUser clamav\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (role, deprecated) in [("clamd.conf", ClamAVKnowledge.deprecatedClamdOptions),
                                   ("freshclam.conf", ClamAVKnowledge.deprecatedFreshclamOptions)] {
            guard let conf = config.clamConf(role) else { continue }
            for o in conf.options where deprecated.contains(o.name) {
                out.append(Self.diagnostic("`\(o.name)` is deprecated in \(role) and has no effect", at: o.nameSpan,
                                           fix: "remove the line"))
            }
        }
        return out
    }
}
