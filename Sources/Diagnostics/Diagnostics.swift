/// Findings and how they are shown: `Diagnostic` (id, rule name, severity, `SourceSpan`,
/// message, notes, one fix), `RuleDescription`/`RuleExample` (what `explain`, SARIF and the man
/// page render), did-you-mean (`Suggest`), and the reporters (`Reporter.render(_:format:)`:
/// text, json, sarif, github). The bottom layer above the leaves: it knows no configuration
/// format, no rule and no command; it does no terminal I/O (reporters return strings).
///
/// Public API
/// - `Diagnostic(id:rule:severity:span:message:notes:fix:)`, `[Diagnostic].sortedBySource()`,
///   `.count(.error)`; `SourceSpan(file:line:column:endLine:endColumn:)`, `.file(path)`.
/// - `RuleDescription` (id, name, severity, summary, rationale, triggering/nonTriggering
///   `RuleExample`s with `↓` markers), `helpText`.
/// - `Suggest.closest(to:in:)`: the did-you-mean candidate, or nil.
/// - `Reporter.render(diagnostics, format:, options: ReportOptions(color:toolVersion:rules:))`.
public enum Diagnostics {
    public static let libraryName = "Diagnostics"
}
