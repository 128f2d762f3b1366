/// GitHub Actions workflow commands: one `::error file=...,line=...::message` per finding.
enum GitHubReporter {
    static func render(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            let level = switch d.severity {
            case .error: "error"
            case .warning: "warning"
            case .info: "notice"
            }
            var message = "\(d.message) [\(d.id) \(d.rule)]"
            for note in d.notes { message += "\nnote: " + (note.span.map { "\($0): " } ?? "") + note.message }
            if let fix = d.fix { message += "\nhelp: \(fix)" }
            out += "::\(level) file=\(property(d.span.file)),line=\(d.span.line),col=\(d.span.column)"
            out += ",endLine=\(d.span.endLine),endColumn=\(d.span.endColumn)"
            out += ",title=\(property("\(d.id) \(d.rule)"))::\(data(message))\n"
        }
        return out
    }

    // Escaping as the runner's toolkit does: data escapes % CR LF; properties also : and ,.
    static func data(_ s: String) -> String {
        s.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }

    static func property(_ s: String) -> String {
        data(s).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }
}

extension String {
    /// Plain substring replacement without Foundation.
    public func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}
