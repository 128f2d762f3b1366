/// SARIF 2.1.0 with the rule catalogue, for code-scanning uploads.
enum SARIFReporter {
    static func render(_ diagnostics: [Diagnostic], options: ReportOptions) -> String {
        let rules = options.rules.sorted { $0.id < $1.id }
        let index = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let driver: JSONValue = .object([
            ("name", .string("gatewayctl")),
            ("version", .string(options.toolVersion)),
            ("informationUri", .string("https://example.invalid/gatewayctl")),
            ("rules", .array(rules.map(rule))),
        ])
        var run: [(String, JSONValue)] = [
            ("tool", .object([("driver", driver)])),
            ("results", .array(diagnostics.map { result($0, ruleIndex: index[$0.id]) })),
        ]
        if let status = options.exitStatus {
            // The run itself succeeded (findings are results); exit 2 means input failed.
            run.append(("invocations", .array([.object([
                ("executionSuccessful", .bool(status != 2)), ("exitCode", .int(status)),
            ])])))
        }
        let doc: JSONValue = .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object(run)])),
        ])
        return doc.serialized(indent: 2) + "\n"
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    static func rule(_ r: RuleDescription) -> JSONValue {
        .object([
            ("id", .string(r.id)),
            ("name", .string(r.name)),
            ("shortDescription", .object([("text", .string(r.summary))])),
            ("fullDescription", .object([("text", .string(r.rationale))])),
            ("help", .object([("text", .string(r.helpText))])),
            ("defaultConfiguration", .object([("level", .string(level(r.severity)))])),
        ])
    }

    static func location(_ s: SourceSpan) -> JSONValue {
        .object([("physicalLocation", .object([
            ("artifactLocation", .object([("uri", .string(s.file))])),
            ("region", .object([
                ("startLine", .int(s.line)), ("startColumn", .int(s.column)),
                ("endLine", .int(s.endLine)), ("endColumn", .int(s.endColumn)),
            ])),
        ]))])
    }

    static func result(_ d: Diagnostic, ruleIndex: Int?) -> JSONValue {
        var text = d.message
        if let fix = d.fix { text += " (help: \(fix))" }
        var members: [(String, JSONValue)] = [("ruleId", .string(d.id))]
        if let ruleIndex { members.append(("ruleIndex", .int(ruleIndex))) }
        members += [
            ("level", .string(level(d.severity))),
            ("message", .object([("text", .string(text))])),
            ("locations", .array([location(d.span)])),
        ]
        let related = d.notes.compactMap { note -> JSONValue? in
            guard let s = note.span else { return nil }
            guard case .object(var m) = location(s) else { return nil }
            m.append(("message", .object([("text", .string(note.message))])))
            return .object(m)
        }
        if !related.isEmpty { members.append(("relatedLocations", .array(related))) }
        return .object(members)
    }
}
