import Diagnostics
import PostfixConfig

/// GW5015: freshclam mirrors that no longer exist.
struct FreshclamObsoleteMirrorRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5015", name: "freshclam-obsolete-mirror", severity: .warning,
        summary: "freshclam uses a `db.XX.clamav.net` country mirror",
        rationale: """
        ClamAV retired the per-country mirrors (`db.us.clamav.net`, `db.es.clamav.net`, ...) \
        when it moved to a CDN; `database.clamav.net` is the only public name. A retired mirror \
        fails to resolve or serves nothing, so signatures stop updating without a clear error.
        """,
        triggering: [
            .postfix(mainCf: "", [("freshclam.conf", "DatabaseMirror ↓db.es.clamav.net\nDatabaseMirror database.clamav.net\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("freshclam.conf", "DatabaseMirror database.clamav.net\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let fresh = config.clamConf("freshclam.conf") else { return [] }
        return fresh.options.filter { $0.name == "DatabaseMirror" }.compactMap { o in
            let host = o.value.lowercased()
            // `db.local.clamav.net` is Debian's shipped default, an alias of the CDN name.
            guard host.hasPrefix("db."), host.hasSuffix(".clamav.net"), host != "db.local.clamav.net" else { return nil }
            return Self.diagnostic("`\(o.value)` is a retired ClamAV mirror", at: o.valueSpan,
                                   fix: "use `DatabaseMirror database.clamav.net`")
        }
    }
}
