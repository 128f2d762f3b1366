/// Output formats for findings. Reporters build text; the CLI decides where it goes.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, sarif, github
}

public struct ReportOptions: Sendable {
    /// ANSI colours (the CLI enables this only on a TTY and never with NO_COLOR).
    public var color: Bool
    /// The tool version written into SARIF.
    public var toolVersion: String
    /// Rule catalogue for SARIF's `tool.driver.rules`.
    public var rules: [RuleDescription]

    /// What the run read (`etc-postfix (main.cf, master.cf, 3 tables)`): when set, the text
    /// summary line is printed even without findings and names it, and JSON lists it.
    public var linted: [String]?
    /// The command's exit status, written into the JSON summary and SARIF's invocation.
    public var exitStatus: Int?

    public init(color: Bool = false, toolVersion: String = "0.0.0", rules: [RuleDescription] = [],
                linted: [String]? = nil, exitStatus: Int? = nil) {
        self.color = color
        self.toolVersion = toolVersion
        self.rules = rules
        self.linted = linted
        self.exitStatus = exitStatus
    }
}

public enum Reporter {
    public static func render(_ diagnostics: [Diagnostic], format: ReportFormat,
                              options: ReportOptions = ReportOptions()) -> String {
        let sorted = diagnostics.sortedBySource()
        switch format {
        case .text: return TextReporter.render(sorted, color: options.color, linted: options.linted)
        case .json: return JSONReporter.render(sorted, options: options)
        case .sarif: return SARIFReporter.render(sorted, options: options)
        case .github: return GitHubReporter.render(sorted)
        }
    }
}
