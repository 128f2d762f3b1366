import Foundation
import Diagnostics
import PostfixConfig

/// GW4002: a .db missing or older than its source.
struct MapDatabaseStaleRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW4002", name: "map-database-stale", severity: .warning,
        summary: "a table's .db is missing, or older than its source",
        rationale: """
        Postfix reads the built table (`FILE.db`), never the source. A missing .db fails \
        every lookup with a temporary error (`451 4.3.0`, mail deferred); a .db older than \
        its source silently enforces yesterday's entries. Run `postmap` (or `gatewayctl map \
        build`) after every edit.
        """,
        triggering: [
            .postfix(mainCf: "relay_recipient_maps = ↓hash:/etc/postfix/relay_recipients\n",
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
        for ref in config.tableReferences {
            guard let suffix = Self.suffix[ref.type] else { continue }
            let path = String(ref.reference.dropFirst(ref.type.count + 1))
            let source = config.localPath(path, in: ref.scope)
            let database = source + suffix
            let span = ref.span ?? ref.scope.anchor(ref.parameter)
            let sourceDate = (try? fm.attributesOfItem(atPath: source))?[.modificationDate] as? Date
            let dbDate = (try? fm.attributesOfItem(atPath: database))?[.modificationDate] as? Date
            switch (sourceDate, dbDate) {
            case (.some, nil):
                out.append(Self.diagnostic("`\(database)` is missing: every lookup in `\(ref.reference)` fails and mail is deferred",
                                           at: span, fix: "run `postmap \(ref.reference)`", severity: .error))
            case (.some(let s), .some(let d)) where d < s:
                out.append(Self.diagnostic("`\(database)` is older than its source: Postfix still uses the previous entries",
                                           at: span, fix: "run `postmap \(ref.reference)`"))
            default:
                break
            }
        }
        return out
    }
}
