import Diagnostics

/// The kinds of finding the main.cf/master.cf reader itself produces while parsing. The reader
/// owns this catalogue (ids, names, severities); the Lint module's rules with the same ids carry
/// the descriptions and examples and report these findings, so this layer never names a rule.
public enum PostfixSyntaxFinding: String, CaseIterable, Sendable {
    /// A main.cf or master.cf line Postfix cannot read.
    case syntax = "GW3001"
    /// A main.cf parameter set twice (Postfix keeps the last silently).
    case duplicateParameter = "GW3002"
    /// A master.cf entry whose fields master(8) rejects.
    case masterCfFields = "GW3010"

    public var id: String { rawValue }

    public var name: String {
        switch self {
        case .syntax: "postfix-syntax"
        case .duplicateParameter: "duplicate-parameter"
        case .masterCfFields: "master-cf-fields"
        }
    }

    public var severity: Severity {
        switch self {
        case .syntax, .masterCfFields: .error
        case .duplicateParameter: .warning
        }
    }

    public func diagnostic(_ message: String, at span: SourceSpan, notes: [Diagnostic.Note] = [],
                           fix: String? = nil) -> Diagnostic {
        Diagnostic(id: id, rule: name, severity: severity, span: span, message: message, notes: notes, fix: fix)
    }
}
