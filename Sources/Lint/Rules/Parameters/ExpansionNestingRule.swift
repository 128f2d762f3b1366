import Diagnostics
import PostfixConfig

/// GW3011: a parameter whose `$name` expansion Postfix gives up on (a loop, or nesting deeper
/// than mac_expand's 100 levels).
struct ExpansionNestingRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW3011", name: "expansion-nesting", severity: .error,
        summary: "a parameter value that expands into a loop or more than 100 levels of `$name`",
        rationale: """
        Postfix expands `$name` inside a value recursively, at most 100 levels deep. A loop \
        (`a = $b`, `b = $a`) or a longer chain of references makes it warn `unreasonable macro \
        call nesting` and stop with `fatal: ... macro processing error` as soon as a daemon \
        reads the parameter: smtpd does not start and mail is not accepted. Only parameters \
        Postfix reads (known names and restriction classes) are reported; a chain of unknown \
        names shows up at the known parameter that starts it.
        """,
        triggering: [
            .postfix(mainCf: "myhostname = ↓$mydomain_alias\nmydomain_alias = $myhostname\n"),
            .postfix(mainCf: "smtpd_restriction_classes = loop\nloop = ↓$loop, reject\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "mydomain = example.com\nmyhostname = mx.$mydomain\nmyorigin = $myhostname\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        let services = config.masterCf?.services.map(\.name) ?? []
        var scopes: [(ParameterScope, [(String, String, SourceSpan)])] = [
            (config.parameters(for: nil), config.mainCf.entries.map { ($0.name, $0.value, $0.valueSpan) }),
        ]
        for s in config.masterCf?.services ?? [] where !s.overrides.isEmpty {
            scopes.append((config.parameters(for: s), s.overrides.map { ($0.name, $0.value, $0.valueSpan) }))
        }
        let classes = Set(config.parameters(for: nil).list("smtpd_restriction_classes").map(\.text))
        var out = DiagnosticSet()
        for (scope, entries) in scopes {
            for (name, value, span) in entries where value.contains("$") {
                guard PostfixKnowledge.isKnownParameter(name, services: services) || classes.contains(name) else { continue }
                var e = scope.expander()
                _ = e.expand(value)
                guard let error = e.nestingError else { continue }
                let path = [name] + error.path
                let message: String
                if let loop = error.loop, let start = path.firstIndex(of: loop) {
                    let cycle = (path[start...] + [loop]).map { "`$\($0)`" }
                    let shown = cycle.count > 8 ? cycle.prefix(4) + ["..."] + cycle.suffix(3) : cycle[...]
                    message = "`\(name)` never finishes expanding: \(shown.joined(separator: " -> ")) is a loop; "
                        + "Postfix stops with `unreasonable macro call nesting`"
                } else {
                    let shown = path.prefix(3).map { "`$\($0)`" }.joined(separator: " -> ")
                    message = "`\(name)` expands more than \(Expander.maxLevel) levels of `$name` deep "
                        + "(\(shown) -> ...); Postfix stops with `unreasonable macro call nesting`"
                }
                out.add(Self.diagnostic(message, at: span,
                                        fix: "break the chain: write the value itself instead of `$name` somewhere along it"))
            }
        }
        return out.all
    }
}
