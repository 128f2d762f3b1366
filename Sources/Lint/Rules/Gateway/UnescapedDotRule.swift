import Diagnostics
import ConfigModel

/// GW4101: `.` between digits in a pattern matches any character, not just a dot.
struct UnescapedDotRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW4101", name: "unescaped-dot-in-helo-pattern", severity: .warning,
        summary: "a HELO pattern has an unescaped `.` inside an IP address",
        rationale: """
        In a regular expression `.` matches any character: `/^\\[203.0.113\\.25\\]$/` (the tutorial's \
        `/^\\[W.X.Y\\.Z\\]$/`) also matches `[203x0.113.25]`. Such patterns are meant literally; \
        escape every dot (`\\.`), or let `reject-own-ip = yes` generate the rules from `public-ip`.
        """,
        triggering: [
            GatewayExample.config(#"[helo]\#n/^\[203↓.0.113\.25\]$/ = REJECT You are not my IP\#n"#),
        ],
        nonTriggering: [
            GatewayExample.config(#"[helo]\#n/^\[203\.0\.113\.25\]$/ = REJECT You are not my IP\#n/^[0-9.]+$/ = REJECT U are not RFC2821 compliant\#n"#),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (i, p) in document.gateway.helo.patterns.enumerated() {
            guard let dot = Self.unescapedDotBetweenDigits(p.regex) else { continue }
            let keySpan = document.span("helo.patterns[\(i)].key")
            let column = keySpan.column + p.regex.unicodeScalars[p.regex.startIndex..<dot].count
            let span = SourceSpan(file: keySpan.file, line: keySpan.line, column: column, endLine: keySpan.line, endColumn: column + 1)
            out.append(Self.diagnostic("unescaped `.` in IP address pattern `\(p.regex)` matches any character", at: span,
                                       fix: "write `\\.`"))
        }
        return out
    }

    /// The first `.` outside a character class, not escaped, with a digit on both sides.
    static func unescapedDotBetweenDigits(_ regex: String) -> String.Index? {
        let chars = Array(regex.indices)
        var inClass = false
        var k = 0
        while k < chars.count {
            let c = regex[chars[k]]
            if c == "\\" { k += 2; continue }
            if inClass { if c == "]" { inClass = false } }
            else if c == "[" { inClass = true }
            else if c == ".", k > 0, k + 1 < chars.count,
                    regex[chars[k - 1]].isASCII, regex[chars[k - 1]].isNumber,
                    regex[chars[k + 1]].isASCII, regex[chars[k + 1]].isNumber {
                return chars[k]
            }
            k += 1
        }
        return nil
    }
}
