import Diagnostics
import PostfixConfig
import ConfigModel

/// A lint rule: one file each under `Rules/<family>/`, registered in `RuleRegistry`. A rule that
/// conforms to neither refinement below describes findings the linter itself produces
/// (`UnusedSuppressionRule`).
public protocol Rule: Sendable {
    static var description: RuleDescription { get }
    /// This rule as a gateway / Postfix rule, answered by the conformance itself: a dynamic cast
    /// (`as? any GatewayRule`) scans every protocol conformance in the binary once per type, which
    /// made the registry a third of a seed `check`'s instructions.
    var asGatewayRule: (any GatewayRule)? { get }
    var asPostfixRule: (any PostfixRule)? { get }
}

/// A rule over a parsed gateway.conf (the model plus where each value came from).
public protocol GatewayRule: Rule {
    func check(_ document: GatewayDocument) -> [Diagnostic]
}

/// A rule over a Postfix configuration (main.cf, master.cf, the maps they name, and the
/// ClamAV/amavis files beside them), as `gatewayctl lint` reads it.
public protocol PostfixRule: Rule {
    /// True for the rules that also judge the files `check` compiles a gateway.conf to.
    static var judgesCompiledOutput: Bool { get }
    func check(_ config: PostfixConfigSet) -> [Diagnostic]
}

extension PostfixRule {
    public static var judgesCompiledOutput: Bool { false }
    public var asPostfixRule: (any PostfixRule)? { self }
}

extension GatewayRule {
    public var asGatewayRule: (any GatewayRule)? { self }
}

extension Rule {
    public var asGatewayRule: (any GatewayRule)? { nil }
    public var asPostfixRule: (any PostfixRule)? { nil }
}

extension Rule {
    /// A finding of this rule with its default severity.
    public static func diagnostic(_ message: String, at span: SourceSpan, notes: [Diagnostic.Note] = [],
                                  fix: String? = nil, severity: Severity? = nil) -> Diagnostic {
        Diagnostic(id: description.id, rule: description.name, severity: severity ?? description.severity,
                   span: span, message: message, notes: notes, fix: fix)
    }
}
