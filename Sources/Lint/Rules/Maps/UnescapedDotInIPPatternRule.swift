import Diagnostics
import PostfixConfig

/// GW4004: an IP-address regex with an unescaped `.`.
struct UnescapedDotInIPPatternRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW4004", name: "unescaped-dot-in-ip-pattern", severity: .warning,
        summary: "a regex meant to match an IP address has an unescaped `.`",
        rationale: """
        In a regex `.` matches any character, so `/^\\[192.0.2.1\\]$/` also matches \
        `[192x0y2z1]` and, worse, a pattern without anchors like `/^10.1/` matches `101.x`. \
        The tutorial's own "You are not my IP" rule has this bug. Escape every dot: `\\.`.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_helo_restrictions = check_helo_access pcre:/etc/postfix/helo_checks\n",
                     [("helo_checks", "/^\\[203\\.0\\.113↓.25\\]$/ REJECT You are not my IP\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_helo_restrictions = check_helo_access pcre:/etc/postfix/helo_checks\n",
                     [("helo_checks", "/^\\[203\\.0\\.113\\.25\\]$/ REJECT You are not my IP\n/^[0-9.]+$/ REJECT numeric\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for (_, table) in config.referencedTables where table.kind == .regex {
            for rule in table.regex?.rules ?? [] where rule.kind != .endif {
                guard let offset = Self.unescapedDot(in: Array(rule.pattern.utf8)) else { continue }
                // `column` is the opening delimiter; the pattern starts one after it.
                let col = rule.column + 1 + offset
                out.add(Self.diagnostic("`.` between digits in `\(rule.pattern)` matches any character, not just a dot",
                                        at: SourceSpan(file: table.localPath ?? table.reference, line: rule.line, column: col),
                                        fix: "write `\\.`"))
            }
        }
        return out.all
    }

    /// Offset of the first `.` outside a character class, not escaped, between two digits.
    static func unescapedDot(in p: [UInt8]) -> Int? {
        var i = 0
        var inClass = false
        func digit(_ k: Int) -> Bool { k >= 0 && k < p.count && p[k] >= 0x30 && p[k] <= 0x39 }
        while i < p.count {
            let c = p[i]
            if c == 0x5c { i += 2; continue }
            if inClass { if c == 0x5d { inClass = false }; i += 1; continue }
            if c == 0x5b { inClass = true; i += 1; continue }
            if c == 0x2e, digit(i - 1), digit(i + 1) { return i }
            i += 1
        }
        return nil
    }
}
