/// One finding: a stable rule id and name, the smallest span that shows the problem,
/// a message that stands alone, optional notes elsewhere, and at most one fix.
public struct Diagnostic: Hashable, Sendable {
    public struct Note: Hashable, Sendable {
        public var span: SourceSpan?
        public var message: String
        public init(_ message: String, at span: SourceSpan? = nil) {
            self.span = span
            self.message = message
        }
    }

    /// `GWnnnn`; see `RuleCatalog` for the ranges.
    public var id: String
    /// kebab-case rule name, e.g. `open-relay`.
    public var rule: String
    public var severity: Severity
    public var span: SourceSpan
    public var message: String
    public var notes: [Note]
    public var fix: String?

    public init(id: String, rule: String, severity: Severity, span: SourceSpan, message: String,
                notes: [Note] = [], fix: String? = nil) {
        self.id = id
        self.rule = rule
        self.severity = severity
        self.span = span
        self.message = message
        self.notes = notes
        self.fix = fix
    }
}

extension Array where Element == Diagnostic {
    /// Source order: file, line, column, then id, so output is deterministic.
    public func sortedBySource() -> [Diagnostic] {
        sorted { a, b in
            (a.span.file, a.span.line, a.span.column, a.id, a.message)
                < (b.span.file, b.span.line, b.span.column, b.id, b.message)
        }
    }

    public func count(_ severity: Severity) -> Int { filter { $0.severity == severity }.count }
}
