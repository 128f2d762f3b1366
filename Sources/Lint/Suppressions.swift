import Diagnostics

/// Inline suppressions: a comment line `# gatewayctl: disable=open-relay,GW3002 reason` silences
/// those rules (by name or id) on the entry that follows the comment (main.cf, master.cf,
/// gateway.conf). A directive that silences nothing is itself reported, so stale ones go away.
/// `# gatewayctl: postfix-version=2.8` in main.cf names the Postfix release the file is for.
struct Suppression: Sendable {
    public var rules: [String]
    public var reason: String
    /// The directive's own location.
    public var span: SourceSpan
    /// The lines it covers: from the directive to the end of the next entry.
    public var lines: ClosedRange<Int>
}

enum Suppressions {
    public static let directive = "gatewayctl:"

    /// Directives of one file. `entryEnd(line)` gives the last physical line of the entry that
    /// starts at or after `line` (continuation lines belong to it).
    public static func parse(_ bytes: [UInt8], file: String) -> (suppressions: [Suppression], diagnostics: [Diagnostic]) {
        var out: [Suppression] = []
        var diagnostics: [Diagnostic] = []
        let lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false)
        for (n, raw) in lines.enumerated() where mayBeDirective(raw) {
            let text = String(decoding: raw, as: UTF8.self)
            let trimmed = text.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("#") || trimmed.hasPrefix(";") else { continue }
            let body = trimmed.dropFirst().drop { $0 == " " || $0 == "\t" }
            guard body.hasPrefix(directive) else { continue }
            let column = text.utf8.count - trimmed.utf8.count + 1
            let span = SourceSpan(file: file, line: n + 1, column: column, endColumn: column + trimmed.utf8.count)
            let rest = body.dropFirst(directive.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("postfix-version=") { continue }
            guard rest.hasPrefix("disable=") else {
                diagnostics.append(UnusedSuppressionRule.diagnostic(
                    "unknown `gatewayctl:` directive; expected `disable=RULE[,RULE] reason`", at: span,
                    fix: "write `# gatewayctl: disable=open-relay why it is safe`"))
                continue
            }
            let spec = rest.dropFirst("disable=".count)
            let list = spec.prefix { $0 != " " && $0 != "\t" }
            let reason = String(spec.dropFirst(list.count)).trimmingPostfixSpace()
            let rules = list.split(separator: ",").map(String.init)
            for r in rules where RuleRegistry.description(for: r) == nil {
                var message = "`\(r)` is not a rule"
                if let s = Suggest.closest(to: r, in: RuleRegistry.descriptions.map(\.name)) { message += "; did you mean `\(s)`?" }
                diagnostics.append(UnusedSuppressionRule.diagnostic(message, at: span, fix: "see `gatewayctl rules`"))
            }
            // The entry that follows: the next non-comment, non-blank line and its continuations.
            var end = n + 1
            var k = n + 1
            while k < lines.count, isSkippable(lines[k]) { k += 1 }
            if k < lines.count {
                end = k + 1
                k += 1
                while k < lines.count, let f = lines[k].first, f == 0x20 || f == 0x09 || isSkippable(lines[k]) {
                    if !isSkippable(lines[k]) { end = k + 1 }
                    k += 1
                }
            }
            out.append(Suppression(rules: rules, reason: reason, span: span, lines: (n + 1)...end))
        }
        return (out, diagnostics)
    }

    /// The bytes every directive line has (blanks, `#` or `;`, blanks, `gatewayctl:`): most
    /// lines fail here, before they are decoded and read as Characters below.
    static func mayBeDirective(_ line: ArraySlice<UInt8>) -> Bool {
        var i = line.startIndex
        while i < line.endIndex, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        guard i < line.endIndex, line[i] == 0x23 || line[i] == 0x3b else { return false }
        i += 1
        while i < line.endIndex, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        return line[i...].starts(with: directive.utf8)
    }

    static func isSkippable(_ line: ArraySlice<UInt8>) -> Bool {
        let t = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }
        return t.isEmpty || t.first == 0x23 || t.first == 0x3b
    }

    /// Removes suppressed findings; adds one finding per directive that matched nothing.
    public static func apply(_ diagnostics: [Diagnostic], _ suppressions: [Suppression]) -> [Diagnostic] {
        var used = [Bool](repeating: false, count: suppressions.count)
        var kept: [Diagnostic] = []
        for d in diagnostics {
            var hidden = false
            for (k, s) in suppressions.enumerated() where s.span.file == d.span.file && s.lines.contains(d.span.line)
                && s.rules.contains(where: { $0.lowercased() == d.rule || $0.uppercased() == d.id }) {
                used[k] = true
                hidden = true
            }
            if !hidden { kept.append(d) }
        }
        for (k, s) in suppressions.enumerated() where !used[k] {
            kept.append(UnusedSuppressionRule.diagnostic(
                "suppression of \(s.rules.map { "`\($0)`" }.joined(separator: ", ")) matches no finding",
                at: s.span, fix: "delete the comment"))
        }
        return kept
    }
}
