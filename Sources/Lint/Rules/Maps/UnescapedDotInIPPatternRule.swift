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
            .postfix(mainCf: "header_checks = pcre:/etc/postfix/header_checks\n",
                     [("header_checks", "/^Received: from .*\\[192↓.0.2.1\\]/ REJECT\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_helo_restrictions = check_helo_access pcre:/etc/postfix/helo_checks\n",
                     [("helo_checks", "/^\\[203\\.0\\.113\\.25\\]$/ REJECT You are not my IP\n/^[0-9.]+$/ REJECT numeric\n")]),
            // A version number in a header is not an address.
            .postfix(mainCf: "header_checks = pcre:/etc/postfix/header_checks\n",
                     [("header_checks", "/^Mime-Version: 1.0/ IGNORE\n/^X-Mailer: Foo 2.1.3/ REJECT\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for (ref, table) in config.referencedTables where table.kind == .regex {
            // Content checks match text (`/^Mime-Version: 1.0/`): there only a whole dotted
            // quad is an address. Client and HELO tables also hold prefixes like `/^10.1/`.
            let groups = ref.parameter.hasSuffix("header_checks") || ref.parameter.hasSuffix("body_checks") ? 4 : 2
            for rule in table.regex?.rules ?? [] where rule.kind != .endif {
                guard let offset = Self.unescapedDot(in: Array(rule.pattern.utf8), minGroups: groups) else { continue }
                // `column` is the opening delimiter; the pattern starts one after it.
                let col = rule.column + 1 + offset
                out.add(Self.diagnostic("`.` between digits in `\(rule.pattern)` matches any character, not just a dot",
                                        at: SourceSpan(file: table.localPath ?? table.reference, line: rule.line, column: col),
                                        fix: "write `\\.`"))
            }
        }
        return out.all
    }

    /// Offset of the first `.` outside a character class, not escaped, between two digits, in a
    /// run of 1-3 digit groups joined by `.` or `\.` that has at least `minGroups` groups.
    static func unescapedDot(in p: [UInt8], minGroups: Int = 2) -> Int? {
        var i = 0
        var inClass = false
        func digit(_ k: Int) -> Bool { k >= 0 && k < p.count && p[k] >= 0x30 && p[k] <= 0x39 }
        while i < p.count {
            let c = p[i]
            if c == 0x5c { i += 2; continue }
            if inClass { if c == 0x5d { inClass = false }; i += 1; continue }
            if c == 0x5b { inClass = true; i += 1; continue }
            if c == 0x2e, digit(i - 1), digit(i + 1), Self.addressLike(p, around: i, minGroups: minGroups) { return i }
            i += 1
        }
        return nil
    }

    /// True when the dot at `i` sits in `d{1,3}(\.|.)d{1,3}...` with `minGroups` groups or more.
    static func addressLike(_ p: [UInt8], around i: Int, minGroups: Int) -> Bool {
        func digit(_ k: Int) -> Bool { k >= 0 && k < p.count && p[k] >= 0x30 && p[k] <= 0x39 }
        var start = i
        while true {
            var k = start - 1
            while digit(k) { k -= 1 }
            // k is the byte before the digit group; a separator there extends the run.
            if k >= 0, p[k] == 0x2e, digit(k - 1) { start = k; continue }
            if k >= 1, p[k] == 0x2e, p[k - 1] == 0x5c, digit(k - 2) { start = k - 1; continue }
            start = k + 1
            break
        }
        var groups: [Int] = []
        var k = start
        while k < p.count {
            var n = 0
            while digit(k) { n += 1; k += 1 }
            guard n > 0 else { break }
            groups.append(n)
            if k < p.count, p[k] == 0x2e, digit(k + 1) { k += 1; continue }
            if k + 1 < p.count, p[k] == 0x5c, p[k + 1] == 0x2e, digit(k + 2) { k += 2; continue }
            break
        }
        return groups.count >= minGroups && groups.allSatisfy { $0 <= 3 }
    }
}
