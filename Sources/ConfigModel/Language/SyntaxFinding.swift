import Diagnostics

/// The kinds of finding the gateway.conf reader itself produces (GW1xxx). They are not `Rule`
/// values (they come from the lexer and parser), but each has a stable id, a name and a
/// `RuleDescription` with examples in `RuleRegistry.otherDescriptions`.
public enum SyntaxFinding: String, CaseIterable, Sendable {
    case badHeader = "GW1001"
    case missingEquals = "GW1002"
    case emptyFile = "GW1003"
    case invalidEncoding = "GW1004"
    case nulByte = "GW1005"
    case lineTooLong = "GW1006"
    case entryOutsideSection = "GW1007"
    case unknownSection = "GW1008"
    case unknownKey = "GW1009"
    case duplicateSection = "GW1010"
    case duplicateKey = "GW1011"
    case missingKey = "GW1012"
    case invalidValue = "GW1013"
    case unsafeValue = "GW1014"
    case unreadableFile = "GW1015"
    case badOverride = "GW1016"

    public var id: String { rawValue }

    public var name: String {
        switch self {
        case .badHeader: "bad-section-header"
        case .missingEquals: "missing-equals"
        case .emptyFile: "empty-file"
        case .invalidEncoding: "invalid-encoding"
        case .nulByte: "nul-byte"
        case .lineTooLong: "line-too-long"
        case .entryOutsideSection: "entry-outside-section"
        case .unknownSection: "unknown-section"
        case .unknownKey: "unknown-key"
        case .duplicateSection: "duplicate-section"
        case .duplicateKey: "duplicate-key"
        case .missingKey: "missing-key"
        case .invalidValue: "invalid-value"
        case .unsafeValue: "unsafe-value"
        case .unreadableFile: "unreadable-file"
        case .badOverride: "bad-override"
        }
    }

    public func diagnostic(_ message: String, at span: SourceSpan, notes: [Diagnostic.Note] = [],
                           fix: String? = nil) -> Diagnostic {
        Diagnostic(id: id, rule: name, severity: .error, span: span, message: message, notes: notes, fix: fix)
    }
}
