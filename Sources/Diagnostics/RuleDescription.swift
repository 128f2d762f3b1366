/// Everything a reader, the docs, `explain` and SARIF need to know about a rule.
/// The generic rule test runs every example, so the docs can never drift from behaviour.
///
/// Id ranges (stable, like ShellCheck's):
/// - GW1xxx gateway.conf syntax and values
/// - GW2xxx relay control and restriction lists (GW2001 `open-relay`)
/// - GW3xxx Postfix parameters and master.cf
/// - GW4xxx lookup tables and regex tables
/// - GW5xxx content filter, ClamAV, SpamAssassin, policy services, DNSBLs
/// - GW6xxx platform: jails, loopback, paths
public struct RuleDescription: Sendable, Hashable {
    public var id: String
    public var name: String
    public var severity: Severity
    /// One line, lowercase, no trailing period.
    public var summary: String
    /// Why the rule exists: what breaks in production when it fires.
    public var rationale: String
    public var triggering: [RuleExample]
    public var nonTriggering: [RuleExample]

    public init(id: String, name: String, severity: Severity, summary: String, rationale: String,
                triggering: [RuleExample], nonTriggering: [RuleExample]) {
        self.id = id
        self.name = name
        self.severity = severity
        self.summary = summary
        self.rationale = rationale
        self.triggering = triggering
        self.nonTriggering = nonTriggering
    }

    /// Plain text for `explain`, SARIF help and man pages.
    public var helpText: String {
        var out = "\(id) \(name) (\(severity.rawValue)): \(summary)\n\n\(rationale)\n"
        for (title, examples) in [("Triggers", triggering), ("Does not trigger", nonTriggering)] {
            for (n, ex) in examples.enumerated() {
                out += "\n\(title) (\(n + 1)):\n"
                for (name, text) in ex.files {
                    out += "  --- \(name)\n"
                    out += text.split(separator: "\n", omittingEmptySubsequences: false)
                        .map { "  " + String($0).replacingAll(RuleExample.marker, "") }
                        .joined(separator: "\n")
                    out += "\n"
                }
            }
        }
        return out
    }
}

/// A small set of files the rule runs on. `files[0]` is the entry point: a `gateway.conf`, or a
/// Postfix directory's `main.cf` with `master.cf` and map sources beside it.
/// In triggering examples, `↓` marks where the finding must land (line and column); the marker
/// is removed before the files are written.
public struct RuleExample: Sendable, Hashable {
    public static let marker = "↓"
    public var files: [(String, String)]

    public init(_ files: [(String, String)]) { self.files = files }

    /// A single gateway.conf.
    public static func gateway(_ text: String) -> RuleExample { RuleExample([("gateway.conf", text)]) }
    /// A Postfix config dir holding main.cf and optionally other files.
    public static func postfix(mainCf: String, _ others: [(String, String)] = []) -> RuleExample {
        RuleExample([("main.cf", mainCf)] + others)
    }

    public static func == (a: RuleExample, b: RuleExample) -> Bool {
        a.files.map { $0.0 } == b.files.map { $0.0 } && a.files.map { $0.1 } == b.files.map { $0.1 }
    }

    public func hash(into h: inout Hasher) {
        for (n, t) in files { h.combine(n); h.combine(t) }
    }
}
