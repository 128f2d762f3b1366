import Diagnostics
import PostfixConfig

/// GW6001: loopback endpoints on a host whose Postfix listens on no loopback address.
struct LoopbackWithoutInterfaceRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW6001", name: "loopback-without-interface", severity: .warning,
        summary: "services use 127.0.0.1 but `inet_interfaces` lists no loopback address",
        rationale: """
        A FreeBSD jail without `lo0` (the tutorial's setup) has no 127.0.0.1: binding or \
        connecting to it fails, so a content filter, policy service or re-injection listener \
        on loopback defers all mail. An `inet_interfaces` that names only the host's own \
        addresses is the sign of such a host; put those services on the jail's address.
        """,
        triggering: [
            .postfix(mainCf: """
            inet_interfaces = 192.168.40.3
            smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service ↓inet:127.0.0.1:10023
            """),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            inet_interfaces = 192.168.40.3
            smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service inet:192.168.40.5:10023
            """),
            .postfix(mainCf: """
            inet_interfaces = all
            smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service inet:127.0.0.1:10023
            """),
        ])

    static func isLoopback(_ s: String) -> Bool {
        s.contains("127.0.0.1") || s.contains("[::1]") || s.contains("localhost")
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        let main = config.parameters(for: nil)
        guard main.isExplicit("inet_interfaces") else { return [] }
        let interfaces = main.list("inet_interfaces").map { $0.text.lowercased() }
        guard !interfaces.isEmpty, !interfaces.contains(where: { $0 == "all" || $0 == "loopback-only" || Self.isLoopback($0) })
        else { return [] }
        var out = DiagnosticSet()
        let note = Diagnostic.Note("`inet_interfaces` has no loopback address", at: main.anchor("inet_interfaces"))
        for scope in config.lintScopes {
            for e in scope.restrictionEntries where e.item.text == "check_policy_service" {
                if let a = e.argument, Self.isLoopback(a.text) {
                    out.add(Self.diagnostic("policy service `\(PostfixList.ungroup(a.text))` is on loopback", at: a.span ?? scope.anchor(e.list),
                                            notes: [note], fix: "use the address the policy daemon listens on"))
                }
            }
            let filter = scope.value("content_filter")
            if Self.isLoopback(filter) {
                out.add(Self.diagnostic("`content_filter = \(filter)` is on loopback", at: scope.anchor("content_filter"),
                                        notes: [note], fix: "point `content_filter` at the filter's own address"))
            }
        }
        for s in config.masterCf?.services ?? [] where s.type == "inet" && Self.isLoopback(s.name) {
            out.add(Self.diagnostic("master.cf service `\(s.name)` listens on loopback", at: s.span, notes: [note],
                                    fix: "listen on the host's own address"))
        }
        return out.all
    }
}
