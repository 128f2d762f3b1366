import Diagnostics
import PostfixConfig

/// GW4005: lookup tables outside config_directory are the server's files, not the linted tree's.
struct MapOutsideTreeRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW4005", name: "map-outside-linted-tree", severity: .info,
        summary: "lookup tables outside `config_directory` were not read",
        rationale: """
        Only paths under `config_directory` (default `/etc/postfix`) resolve inside the linted \
        directory. A table elsewhere (`/etc/aliases`, `/var/lib/mailman/data/aliases`, \
        `pcre:/etc/postfix-extra/x` with the default config_directory) names a file on the \
        server; the machine running lint may hold a different file or none, so reading it \
        would make the result depend on where lint runs. Those tables are not read: their \
        contents are neither checked nor used by the relay analysis. One finding per run \
        lists them.
        """,
        triggering: [
            .postfix(mainCf: "alias_maps = ↓hash:/etc/aliases\nheader_checks = pcre:/etc/postfix-extra/header_checks\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "alias_maps = hash:/etc/postfix/aliases\n", [("aliases", "postmaster: root\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        let outside = config.referencedTables.filter { $0.1.isOutsideTree }
        guard let first = outside.first else { return [] }
        let names = outside.map { "`\($0.0.reference)`" }
        let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
        return [Self.diagnostic(
            "\(outside.count) table\(outside.count == 1 ? "" : "s") outside `config_directory` \(outside.count == 1 ? "is" : "are") not in the linted tree and \(outside.count == 1 ? "was" : "were") not read: \(shown)",
            at: first.0.span ?? first.0.scope.anchor(first.0.parameter),
            notes: outside.dropFirst().prefix(5).compactMap { ref, _ in ref.span.map { .init("`\(ref.reference)`", at: $0) } },
            fix: "lint a tree that holds them under config_directory, or ignore this if they are managed elsewhere")]
    }
}
