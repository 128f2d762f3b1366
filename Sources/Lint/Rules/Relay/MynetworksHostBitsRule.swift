import Diagnostics
import PostfixConfig
import ConfigModel

/// GW2015: a mynetworks network with host bits set.
struct MynetworksHostBitsRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW2015", name: "mynetworks-host-bits", severity: .error,
        summary: "a `mynetworks` network has host bits set",
        rationale: """
        Postfix logs `non-null host address bits in "192.168.1.1/24", perhaps you should use \
        "192.168.1.0/24" instead` and rejects the whole list: `permit_mynetworks` then fails \
        with a temporary error, so trusted hosts cannot send. Write the network address.
        """,
        triggering: [
            .postfix(mainCf: "mynetworks = 127.0.0.0/8 ↓192.168.40.3/24\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "mynetworks = 127.0.0.0/8 192.168.40.0/24 192.168.40.3/32\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes where scope.isExplicit("mynetworks") {
            for item in scope.list("mynetworks") {
                var text = PostfixList.ungroup(item.text)
                if text.hasPrefix("!") { text.removeFirst() }
                do { _ = try CIDR(parsing: text) } catch {
                    guard case .hostBitsSet(let suggested) = error else { continue }
                    out.add(Self.diagnostic("`\(text)` has host bits set; Postfix rejects the `mynetworks` list",
                                            at: item.span ?? scope.anchor("mynetworks"), fix: "write `\(suggested)`"))
                }
            }
        }
        return out.all
    }
}
