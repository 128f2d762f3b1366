import FoundationEssentials
import Diagnostics
import PostfixConfig

/// GW4002: a built table (.db, .lmdb, .cdb by the type) missing or older than its source.
struct MapDatabaseStaleRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW4002", name: "map-database-stale", severity: .warning,
        summary: "a table's built file (.db, .lmdb, .cdb) is missing, or older than its source",
        rationale: """
        Postfix reads the built table (`FILE.db` for hash and btree, `FILE.lmdb`, `FILE.cdb`), \
        never the source. A missing built file fails \
        every lookup with a temporary error (`451 4.3.0`, mail deferred); a .db older than \
        its source silently enforces yesterday's entries. Run `postmap` (alias tables: \
        `postalias` or `newaliases`) after every edit. A repository rarely carries .db files, \
        so when no table of the linted tree has one, the missing .db files are one info finding; \
        when others have theirs (a deployed tree), each missing one is a warning.
        """,
        triggering: [
            .postfix(mainCf: "relay_recipient_maps = ↓hash:/etc/postfix/relay_recipients\n",
                     [("relay_recipients", "user@example.com OK\n")]),
            .postfix(mainCf: "alias_maps = ↓hash:/etc/postfix/aliases\n", [("aliases", "postmaster: root\n")]),
            .postfix(mainCf: "default_database_type = lmdb\nrelay_recipient_maps = ↓lmdb:/etc/postfix/relay_recipients\n",
                     [("relay_recipients", "user@example.com OK\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "relay_recipient_maps = hash:/etc/postfix/relay_recipients\n"),
        ])

    static let suffix = ["hash": ".db", "btree": ".db", "cdb": ".cdb", "lmdb": ".lmdb", "dbm": ".dir", "sdbm": ".dir"]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard !config.root.isEmpty else { return [] }
        var out: [Diagnostic] = []
        let fm = FileManager.default
        struct Table { var ref: TableReference; var source: String; var database: String; var sourceDate: Date?; var dbDate: Date? }
        var tables: [Table] = []
        for ref in config.tableReferences {
            guard let suffix = Self.suffix[ref.type] else { continue }
            let source = config.localPath(ref.path, in: ref.scope)
            // Files outside the linted tree are the server's, not ours to stat (GW4005 says so).
            guard config.isInLintedTree(source) else { continue }
            let database = source + suffix
            tables.append(Table(ref: ref, source: source, database: database,
                                sourceDate: (try? fm.attributesOfItem(atPath: source))?[.modificationDate] as? Date,
                                dbDate: (try? fm.attributesOfItem(atPath: database))?[.modificationDate] as? Date))
        }
        // A repository rarely carries .db files (build products, binary, tied to the server's
        // libdb): when none of the tree's tables has one, a missing .db is how the tree is
        // kept, not a fault (info). When some have theirs, the tree is a deployed one and a
        // missing .db defers mail (warning).
        let deployed = tables.contains { $0.dbDate != nil }
        let unbuilt = tables.filter { $0.sourceDate != nil && $0.dbDate == nil }
        if !deployed, let first = unbuilt.first {
            let refs = unbuilt.map { "`\($0.ref.reference)`" }
            out.append(Self.diagnostic(
                "no table of the linted tree has its built file (a repository, not a deployed tree): \(refs.count) table\(refs.count == 1 ? "" : "s") to build on the server: \(refs.prefix(5).joined(separator: ", "))\(refs.count > 5 ? " and \(refs.count - 5) more" : "")",
                at: first.ref.span ?? first.ref.scope.anchor(first.ref.parameter),
                fix: "run `postmap` (alias tables: `postalias` or `newaliases`) on the server after deploying", severity: .info))
        }
        for t in tables {
            let span = t.ref.span ?? t.ref.scope.anchor(t.ref.parameter)
            let build = t.ref.isAliasTable ? "run `postalias \(t.ref.reference)` (or `newaliases`)" : "run `postmap \(t.ref.reference)`"
            switch (t.sourceDate, t.dbDate) {
            case (.some, nil) where deployed:
                out.append(Self.diagnostic("`\(t.database)` is missing: every lookup in `\(t.ref.reference)` fails and mail is deferred",
                                           at: span, fix: build))
            case (.some(let s), .some(let d)) where d < s:
                out.append(Self.diagnostic("`\(t.database)` is older than its source: Postfix still uses the previous entries",
                                           at: span, fix: build))
            default:
                break
            }
        }
        return out
    }
}
