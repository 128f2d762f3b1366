import Diagnostics
import ConfigModel

/// GW5103: freshclam should use the official CDN name only.
struct ClamAVMirrorRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW5103", name: "obsolete-clamav-mirror", severity: .warning,
        summary: "a freshclam mirror other than `database.clamav.net`",
        rationale: """
        ClamAV serves signatures only through `database.clamav.net` (a CDN). The country mirrors the \
        tutorial lists (`db.us.clamav.net`) and other `*.clamav.net` names are gone: freshclam \
        wastes its attempts on them and signatures go stale.
        """,
        triggering: [GatewayExample.config("[signatures]\nmirror = ↓db.us.clamav.net, database.clamav.net\n")],
        nonTriggering: [GatewayExample.config("[signatures]\nmirror = database.clamav.net\n")])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        guard let s = document.gateway.signatures else { return [] }
        return s.mirrors.enumerated().compactMap { i, m in
            guard m.value != "database.clamav.net", m.value.hasSuffix(".clamav.net") else { return nil }
            return Self.diagnostic("freshclam mirror `\(m)` is obsolete", at: document.span("signatures.mirror[\(i)]"),
                                   fix: "use `database.clamav.net` only")
        }
    }
}
