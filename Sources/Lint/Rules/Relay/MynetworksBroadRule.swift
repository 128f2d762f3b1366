import Diagnostics
import PostfixConfig
import ConfigModel

/// GW2014: mynetworks trusts far more than a gateway's own mail hosts.
struct MynetworksBroadRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2014", name: "mynetworks-too-broad", severity: .warning,
        summary: "`mynetworks` trusts a large network",
        rationale: """
        Every client in `mynetworks` may relay (`permit_mynetworks`) and skips most checks. A \
        gateway should trust only the hosts that hand it outbound mail (the tutorial: the inside \
        mail server's /32, never the whole LAN). One infected desktop in a trusted /16 turns the \
        gateway into a spam relay; `0.0.0.0/0` makes it an open relay.
        """,
        triggering: [
            .postfix(mainCf: "mynetworks = 127.0.0.0/8, ↓10.0.0.0/8\n"),
            .postfix(mainCf: "mynetworks = ↓0.0.0.0/0\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "mynetworks = 127.0.0.0/8, [::1]/128, 192.168.40.2/32, 192.168.40.0/24\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes where scope.isExplicit("mynetworks") {
            for item in scope.list("mynetworks") {
                let text = PostfixList.ungroup(item.text)
                guard !text.hasPrefix("!"), let net = try? CIDR(parsing: text), !net.address.isLoopback else { continue }
                let limit = net.address.isIPv4 ? 16 : 48
                guard net.prefix < limit else { continue }
                let span = item.span ?? scope.anchor("mynetworks")
                if net.prefix == 0 {
                    out.add(Self.diagnostic("`mynetworks` holds `\(text)`: every address on the Internet is trusted", at: span,
                                            fix: "list only your own mail hosts", severity: .error))
                } else {
                    out.add(Self.diagnostic("`mynetworks` trusts `\(text)` (\(Self.count(net)) addresses) to relay", at: span,
                                            fix: "list only the hosts that send mail through this gateway"))
                }
            }
        }
        return out.all
    }

    static func count(_ net: CIDR) -> String {
        let bits = net.address.bytes.count * 8 - net.prefix
        return bits >= 63 ? "2^\(bits)" : String(1 << bits)
    }
}
