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
            .postfix(mainCf: "alias_maps = hash:/etc/postfix/aliases\n",
                     [("aliases", "postmaster: root\n↓root admin@example.com\n")]),
        ],
        nonTriggering: [
            // aliases(5) syntax in an alias table is right (postalias builds it).
            .postfix(mainCf: "alias_maps = hash:/etc/postfix/aliases\nalias_database = hash:/etc/postfix/aliases\n",
                     [("aliases", "postmaster: root\nabuse: root,\n  admin@example.com\n")]),
            .postfix(mainCf: "smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/senders\n",
                     [("senders", "spammer.example REJECT\n# comment\nother.example OK\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        let referenced = config.referencedTables
        // Alias tables are aliases(5) files (`name: value`), built by postalias: judged as such.
        var tables = referenced.filter { !$0.0.isAliasTable }.map(\.1).filter { $0.kind == .indexed || $0.kind == .cidr }
        for (ref, table) in referenced where ref.isAliasTable {
            guard let path = table.localPath, let bytes = config.readFile(path) else { continue }
            for (line, column) in Self.aliasLinesWithoutColon(bytes) {
                out.add(Self.diagnostic("postalias skips this line: an aliases(5) entry is `name: value`",
                                        at: SourceSpan(file: path, line: line, column: column),
                                        fix: "write `name: address, ...`"))
            }
        }
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

    /// Start lines of aliases(5) records that hold no `:` (continuations start with
    /// whitespace; `#` lines and blank lines are skipped), with the column of the name.
    static func aliasLinesWithoutColon(_ bytes: [UInt8]) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        for (n, raw) in bytes.split(separator: 0x0a, omittingEmptySubsequences: false).enumerated() {
            guard let first = raw.first, first != 0x20, first != 0x09, first != 0x23, first != 0x0d else { continue }
            if !raw.contains(0x3a) { out.append((n + 1, 1)) }
        }
        return out
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
