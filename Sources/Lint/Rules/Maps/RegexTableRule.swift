import Diagnostics
import PostfixConfig

/// GW4003: pcre/regexp table lines Postfix skips or cannot compile.
struct RegexTableRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW4003", name: "regex-table-error", severity: .warning,
        summary: "a pcre/regexp table rule that Postfix skips",
        rationale: """
        Postfix reads regex tables when a process starts and skips, with a log warning, every \
        rule it cannot use: a missing delimiter, an unknown flag, a pattern that does not \
        compile, `$n` beyond the capture groups or in a negated rule, unbalanced if/endif. The \
        check the rule was meant to make silently does not happen.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_helo_restrictions = check_helo_access pcre:/etc/postfix/helo_checks\n",
                     [("helo_checks", "/^[0-9.]+$/ REJECT numeric HELO\n/^(spam\\.example$↓/ REJECT\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_helo_restrictions = check_helo_access pcre:/etc/postfix/helo_checks\n",
                     [("helo_checks", "/^[0-9.]+$/ REJECT numeric HELO\nif /example/\n/^spam\\.example$/ REJECT\nendif\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for (_, table) in config.referencedTables where table.kind == .regex {
            for w in table.warnings {
                out.add(Self.diagnostic(w.message, at: SourceSpan(file: w.file, line: w.line, column: w.column),
                                        fix: "fix the rule; `postmap -q STRING \(table.type):\(table.localPath ?? "")` tests it",
                                        severity: w.kind == .regexCompile ? .error : .warning))
            }
        }
        return out.all
    }
}
