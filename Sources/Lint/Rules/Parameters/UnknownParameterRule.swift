import Diagnostics
import PostfixConfig

/// GW3004: a main.cf or `-o` parameter Postfix does not know.
struct UnknownParameterRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW3004", name: "unknown-parameter", severity: .warning,
        summary: "a parameter name Postfix does not know (a typo, or too new for the target version)",
        rationale: """
        Postfix ignores parameters it does not know, only `postconf` mentions them (`unused \
        parameter`). A typo such as `smtpd_recipent_restrictions` leaves the real parameter at \
        its default: the restrictions the admin wrote are simply not in effect. Names used as \
        `$name` elsewhere, restriction classes and per-transport parameters of master.cf \
        services are not reported.
        """,
        triggering: [
            .postfix(mainCf: "↓smtpd_recipent_restrictions = reject_unauth_destination\n"),
            .postfix(mainCf: "# gatewayctl: postfix-version=2.8\n↓smtpd_relay_restrictions = reject_unauth_destination\n"),
            .postfix(mainCf: "", [("master.cf", "smtp inet n - y - - smtpd\n  -o ↓smtpd_helo_requird=yes\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            mua_client_restrictions = permit_sasl_authenticated, reject
            smtpd_restriction_classes = friends
            friends = permit
            smtp-amavis_destination_concurrency_limit = 2
            """, [("master.cf", "smtp inet n - y - - smtpd\nsmtp-amavis unix - - n - 2 smtp\nsubmission inet n - y - - smtpd\n  -o smtpd_client_restrictions=$mua_client_restrictions\n")]),
        ])

    private static let names = Suggest.Index(PostfixKnowledge.parameterNames)

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        let services = config.masterCf?.services.map(\.name) ?? []
        let referenced = Self.referencedNames(config)
        let classes = Set(config.parameters(for: nil).list("smtpd_restriction_classes").map(\.text))
        var out = DiagnosticSet()
        var names: [(String, SourceSpan)] = config.mainCf.entries.map { ($0.name, $0.nameSpan) }
        for s in config.masterCf?.services ?? [] {
            for o in s.overrides { names.append((o.name, o.nameSpan)) }
        }
        for (name, span) in names {
            if PostfixKnowledge.isKnownParameter(name, services: services) {
                if let since = PostfixKnowledge.parameterIntroduced[name], config.version < since {
                    out.add(Self.diagnostic("`\(name)` does not exist in Postfix \(config.version) (it appeared in \(since)); it is ignored",
                                            at: span, fix: "remove it, or set `--postfix-version` to the version you run"))
                }
                continue
            }
            if referenced.contains(name) || classes.contains(name) { continue }
            let suggestion = Self.names.closest(to: name)
            if let s = suggestion {
                out.add(Self.diagnostic("unknown parameter `\(name)`; did you mean `\(s)`?", at: span, fix: "write `\(s)`"))
            } else {
                out.add(Self.diagnostic("unknown parameter `\(name)` is never used; Postfix ignores it", at: span,
                                        fix: "remove it, or reference it as `$\(name)`"))
            }
        }
        return out.all
    }

    /// Every `$name`, `${name...}` and `$(name)` in main.cf values and `-o` values.
    static func referencedNames(_ config: PostfixConfigSet) -> Set<String> {
        var values = config.mainCf.entries.map(\.value)
        for s in config.masterCf?.services ?? [] { values += s.overrides.map(\.value) }
        var out = Set<String>()
        for v in values where v.contains("$") {
            var e = Expander { _ in nil }
            _ = e.expand(v)
            out.formUnion(e.referenced)
        }
        return out
    }
}
