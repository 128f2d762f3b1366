import MapBuilder
import Diagnostics
import PostfixConfig

/// GW4001: what postmap would warn about in a table source.
struct MapSourceWarningRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW4001", name: "map-source-warning", severity: .warning,
        summary: "a lookup-table source line postmap warns about or skips",
        rationale: """
        postmap skips malformed lines with a warning nobody reads (`expected format: key \
        whitespace value`), keeps only the FIRST of duplicate keys, and stores `key:` \
        verbatim (an aliases-style line in an access table never matches). The entry the \
        admin wrote is then not what Postfix looks up.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/senders\n",
                     [("senders", "spammer.example REJECT\n↓spammer.example OK\n")]),
            .postfix(mainCf: "virtual_alias_maps = hash:/etc/postfix/virtual\n",
                     [("virtual", "postmaster↓: admin@example.com\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/senders\n",
                     [("senders", "spammer.example REJECT\n# comment\nother.example OK\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        var tables = config.referencedTables.map(\.1).filter { $0.kind == .indexed || $0.kind == .cidr }
        for path in (config.companion("map") ?? "").split(separator: "\n") {
            if let bytes = config.readFile(String(path)) {
                let source = MapSource.parse(bytes: bytes, file: String(path))
                var t = AccessTable(reference: String(path), type: "hash", localPath: String(path), kind: .indexed)
                t.warnings = source.warnings + source.resolved().warnings
                tables.append(t)
            }
        }
        for t in tables {
            for w in t.warnings {
                out.add(Self.diagnostic(w.message, at: SourceSpan(file: w.file, line: w.line, column: w.column),
                                        fix: Self.fix(w.kind)))
            }
        }
        return out.all
    }

    static func fix(_ kind: MapWarning.Kind) -> String {
        switch kind {
        case .duplicateEntry: "delete one of the entries: postmap keeps the first"
        case .aliasFormat: "remove the `:` after the key"
        case .badFormat: "write `key value` on one line"
        case .leadingWhitespace: "remove the leading whitespace"
        case .unbalancedQuote: "close the quote"
        case .nonUTF8: "save the file as UTF-8"
        default: "fix the line"
        }
    }
}
