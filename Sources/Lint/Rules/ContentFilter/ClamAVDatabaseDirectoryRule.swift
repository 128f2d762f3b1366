import Diagnostics
import PostfixConfig

/// GW5012: clamd and freshclam use different signature directories.
struct ClamAVDatabaseDirectoryRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5012", name: "clamav-database-directory-mismatch", severity: .warning,
        summary: "clamd.conf and freshclam.conf name different `DatabaseDirectory`s",
        rationale: """
        freshclam downloads signatures into its `DatabaseDirectory`; clamd loads them from its \
        own. When they differ clamd keeps scanning with the signatures it had at install time \
        (or none). clamconf warns `freshclam.conf and clamd.conf point to different database \
        directories`. Both default to /var/lib/clamav.
        """,
        triggering: [
            .postfix(mainCf: "", [("clamd.conf", "↓DatabaseDirectory /var/db/clamav\n"),
                                  ("freshclam.conf", "DatabaseDirectory /var/lib/clamav\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("clamd.conf", "DatabaseDirectory /var/lib/clamav/\n"),
                                  ("freshclam.conf", "DatabaseMirror database.clamav.net\n")]),
        ])

    static let defaultDirectory = "/var/lib/clamav"

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let clamd = config.clamConf("clamd.conf"), let fresh = config.clamConf("freshclam.conf") else { return [] }
        func norm(_ s: String?) -> String {
            var v = s ?? Self.defaultDirectory
            while v.count > 1, v.hasSuffix("/") { v.removeLast() }
            return v
        }
        let a = norm(clamd.value("DatabaseDirectory")), b = norm(fresh.value("DatabaseDirectory"))
        guard a != b else { return [] }
        let span = clamd.option("DatabaseDirectory")?.nameSpan ?? fresh.option("DatabaseDirectory")?.nameSpan ?? .file(clamd.file)
        return [Self.diagnostic("clamd loads signatures from `\(a)` but freshclam updates `\(b)`", at: span,
                                notes: [.init("freshclam's directory", at: fresh.option("DatabaseDirectory")?.valueSpan)],
                                fix: "set the same `DatabaseDirectory` in both files")]
    }
}
