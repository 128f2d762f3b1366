/// The stable JSON contract of shared/DESIGN.md, version 1.
enum JSONReporter {
    static func render(_ diagnostics: [Diagnostic], options: ReportOptions = ReportOptions()) -> String {
        var summary: [(String, JSONValue)] = [
            ("errors", .int(diagnostics.count(.error))),
            ("warnings", .int(diagnostics.count(.warning))),
            ("infos", .int(diagnostics.count(.info))),
        ]
        if let linted = options.linted { summary.append(("linted", .array(linted.map(JSONValue.string)))) }
        if let status = options.exitStatus { summary.append(("exitStatus", .int(status))) }
        let doc: JSONValue = .object([
            ("version", .int(1)),
            ("diagnostics", .array(diagnostics.map(json))),
            ("summary", .object(summary)),
        ])
        return doc.serialized(indent: 2) + "\n"
    }

    static func json(_ d: Diagnostic) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(d.id)), ("rule", .string(d.rule)), ("severity", .string(d.severity.rawValue)),
            ("file", .string(d.span.file)), ("line", .int(d.span.line)), ("column", .int(d.span.column)),
            ("endLine", .int(d.span.endLine)), ("endColumn", .int(d.span.endColumn)),
            ("message", .string(d.message)),
            ("notes", .array(d.notes.map { note in
                var m: [(String, JSONValue)] = []
                if let s = note.span {
                    m += [("file", .string(s.file)), ("line", .int(s.line)), ("column", .int(s.column))]
                }
                m.append(("message", .string(note.message)))
                return .object(m)
            })),
        ]
        members.append(("fix", d.fix.map(JSONValue.string) ?? .null))
        return .object(members)
    }
}
