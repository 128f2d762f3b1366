import Diagnostics
import ConfigModel

/// GW2107: `reject-own-ip` needs the address it generates rules from.
struct OwnIPWithoutPublicIPRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW2107", name: "reject-own-ip-without-public-ip", severity: .error,
        summary: "`reject-own-ip` is on but `[gateway]` has no `public-ip`",
        rationale: """
        The HELO rules `/^W\\.X\\.Y\\.Z$/` and `/^\\[W\\.X\\.Y\\.Z\\]$/` are generated from `public-ip`. \
        Without it no rule is generated and clients claiming to be the gateway's address pass.
        """,
        triggering: [GatewayExample.config("[helo]\nreject-own-ip = ↓yes\n")],
        nonTriggering: [GatewayExample.config(gateway: "public-ip = 203.0.113.25\n", "[helo]\nreject-own-ip = yes\n")])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        let g = document.gateway
        guard g.helo.rejectOwnIP != nil, g.identity.publicIP == nil else { return [] }
        return [Self.diagnostic("`reject-own-ip` is on but no `public-ip` is set", at: document.span("helo.reject-own-ip"),
                                fix: "add `public-ip = W.X.Y.Z` to `[gateway]`")]
    }
}
