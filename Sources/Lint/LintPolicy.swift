import FoundationEssentials
import Diagnostics
import PostfixConfig

/// Which rules run and at what severity, for a whole lint run or repository: the
/// `--disable`/`--enable`/`--severity` options and the repository file `.gatewayctl.ini`
/// (or `.gatewayctl`), found by walking up from the linted path to the repository root.
///
/// The file is INI like gateway.conf (whole-line `#`/`;` comments):
/// ```ini
/// [rules]
/// disable = map-database-stale, GW2018
/// enable  = GW2018
/// [severity]
/// dns-before-local-checks = warning
/// GW4001 = error
/// ```
/// Rules are named by id or name. `enable` wins over `disable` (so a command line
/// `--enable` can re-enable what the repository file disables).
public struct LintPolicy: Sendable, Equatable {
    /// Rule ids (`GW2018`), upper case.
    public var disabled: Set<String> = []
    public var enabled: Set<String> = []
    public var severities: [String: Severity] = [:]
    /// The repository file this policy was read from, if any.
    public var source: String?

    public init() {}

    static let fileNames = [".gatewayctl.ini", ".gatewayctl"]

    /// The id of a rule named by id or name, or a message saying it is no rule.
    static func ruleID(_ key: String) -> Result<String, PolicyError> {
        if let d = RuleRegistry.description(for: key.trimmingPostfixSpace()) { return .success(d.id) }
        var message = "`\(key)` is not a rule"
        if let s = Suggest.closest(to: key, in: RuleRegistry.descriptions.map(\.name)) { message += "; did you mean `\(s)`?" }
        return .failure(PolicyError(message: message))
    }

    public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        /// `file:line:col` of the bad entry, nil for a command-line option.
        public var span: SourceSpan?
        public var description: String { span.map { "\($0): \(message)" } ?? message }
    }

    /// `RULE=LEVEL` (from `--severity`), level `error`, `warning` or `info`.
    public mutating func setSeverity(_ spec: String) throws(PolicyError) {
        guard let eq = spec.firstIndex(of: "=") else { throw PolicyError(message: "`\(spec)` is not RULE=LEVEL") }
        try setSeverity(String(spec[..<eq]), String(spec[spec.index(after: eq)...]), at: nil)
    }

    mutating func setSeverity(_ rule: String, _ level: String, at span: SourceSpan?) throws(PolicyError) {
        let id: String
        switch Self.ruleID(rule) {
        case .success(let i): id = i
        case .failure(var e): e.span = span; throw e
        }
        guard let s = Severity(rawValue: level.trimmingPostfixSpace().lowercased()) else {
            throw PolicyError(message: "`\(level)` is not a severity; use error, warning or info", span: span)
        }
        severities[id] = s
    }

    public mutating func disable(_ rule: String) throws(PolicyError) { disabled.insert(try Self.id(rule)) }
    public mutating func enable(_ rule: String) throws(PolicyError) { enabled.insert(try Self.id(rule)) }

    static func id(_ rule: String, at span: SourceSpan? = nil) throws(PolicyError) -> String {
        switch ruleID(rule) {
        case .success(let i): return i
        case .failure(var e): e.span = span; throw e
        }
    }

    /// `other` (the command line) on top of `self` (the repository file).
    public func overridden(by other: LintPolicy) -> LintPolicy {
        var p = self
        p.disabled = p.disabled.subtracting(other.enabled).union(other.disabled)
        p.enabled = p.enabled.subtracting(other.disabled).union(other.enabled)
        p.severities.merge(other.severities) { _, new in new }
        return p
    }

    /// Drops disabled rules' findings and applies severity overrides.
    public func apply(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        guard !disabled.isEmpty || !severities.isEmpty else { return diagnostics }
        return diagnostics.compactMap { d in
            if disabled.contains(d.id), !enabled.contains(d.id) { return nil }
            var d = d
            if let s = severities[d.id] { d.severity = s }
            return d
        }
    }

    /// Parses a repository file.
    public static func parse(_ bytes: [UInt8], file: String) throws(PolicyError) -> LintPolicy {
        var policy = LintPolicy()
        policy.source = file
        var section = ""
        for (n, raw) in bytes.split(separator: 0x0a, omittingEmptySubsequences: false).enumerated() {
            let text = String(decoding: raw, as: UTF8.self)
            let line = text.trimmingPostfixSpace()
            let column = text.utf8.count - text.drop { $0 == " " || $0 == "\t" }.utf8.count + 1
            let span = SourceSpan(file: file, line: n + 1, column: column)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw PolicyError(message: "section header without `]`", span: span) }
                section = String(line.dropFirst().dropLast()).trimmingPostfixSpace().lowercased()
                guard section == "rules" || section == "severity" else {
                    throw PolicyError(message: "unknown section `[\(section)]`; expected `[rules]` or `[severity]`", span: span)
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw PolicyError(message: "expected `key = value`", span: span) }
            let key = String(line[..<eq]).trimmingPostfixSpace()
            let value = String(line[line.index(after: eq)...]).trimmingPostfixSpace()
            switch section {
            case "rules":
                guard key == "disable" || key == "enable" else {
                    throw PolicyError(message: "unknown key `\(key)` in `[rules]`; expected `disable` or `enable`", span: span)
                }
                for r in value.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                    let id = try Self.id(String(r), at: span)
                    if key == "disable" { policy.disabled.insert(id) } else { policy.enabled.insert(id) }
                }
            case "severity":
                try policy.setSeverity(key, value, at: span)
            default:
                throw PolicyError(message: "`\(key)` outside a section; put it under `[rules]` or `[severity]`", span: span)
            }
        }
        return policy
    }

    /// The repository file for a linted path: the nearest `.gatewayctl.ini` or `.gatewayctl`
    /// in the path's directory or above it, up to the repository root (the directory holding
    /// `.git`) or the file system root.
    public static func findFile(for path: String) -> String? {
        let fm = FileManager.default
        var isDir = false
        var dir = URL(fileURLWithPath: path).standardizedFileURL
        if !(fm.fileExists(atPath: dir.path, isDirectory: &isDir) && isDir) { dir.deleteLastPathComponent() }
        while true {
            for name in fileNames {
                let candidate = dir.appendingPathComponent(name).path
                var candidateIsDir = false
                if fm.fileExists(atPath: candidate, isDirectory: &candidateIsDir), !candidateIsDir { return candidate }
            }
            if fm.fileExists(atPath: dir.appendingPathComponent(".git").path) { return nil }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// The root of the git repository holding `path` (a directory with `.git`), if any.
    public static func repositoryRoot(containing path: String) -> String? {
        let fm = FileManager.default
        var dir = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            if fm.fileExists(atPath: dir.appendingPathComponent(".git").path) { return dir.path }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }
}
