import Diagnostics
import PostfixConfig

/// GW3002: a main.cf parameter set twice (Postfix keeps the last silently).
struct DuplicateParameterRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: PostfixSyntaxFinding.duplicateParameter.id, name: PostfixSyntaxFinding.duplicateParameter.name,
        severity: PostfixSyntaxFinding.duplicateParameter.severity,
        summary: "a main.cf parameter is set more than once",
        rationale: """
        Postfix uses the last `name = value` of a parameter and ignores the earlier ones without \
        a word. An admin who edits the first occurrence (the one near the related settings) \
        changes nothing.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_helo_required = no\nmyhostname = mx.example.com\n↓smtpd_helo_required = yes\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_helo_required = yes\nmyhostname = mx.example.com\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        config.mainCf.diagnostics.filter { $0.id == Self.description.id }
    }
}
