import Diagnostics
import PostfixConfig

/// GW3001: main.cf or master.cf lines Postfix cannot read (reported by the parser).
struct PostfixSyntaxRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: PostfixSyntaxFinding.syntax.id, name: PostfixSyntaxFinding.syntax.name,
        severity: PostfixSyntaxFinding.syntax.severity,
        summary: "a main.cf or master.cf line that Postfix cannot parse",
        rationale: """
        Postfix stops with a fatal error on a main.cf line that is not `name = value`, and skips \
        a line that starts with whitespace when nothing precedes it. Either way the setting the \
        author meant is not in effect.
        """,
        triggering: [
            .postfix(mainCf: "myhostname = mx.example.com\n↓smtpd_helo_required yes\n"),
            .postfix(mainCf: "↓  mynetworks = 127.0.0.0/8\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_helo_required = yes\nmynetworks = 127.0.0.0/8\n    192.168.1.0/24\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        config.diagnostics.filter { $0.id == Self.description.id }
    }
}
