/// gcc/clang style: `file:line:col: severity: message [ID rule]`, notes and one `help:` line after it.
enum TextReporter {
    static func render(_ diagnostics: [Diagnostic], color: Bool, linted: [String]? = nil) -> String {
        var out = ""
        for d in diagnostics {
            out += paint("\(d.span):", .bold, color) + " "
            out += paint("\(d.severity.rawValue):", d.severity.ansi, color) + " "
            out += paint(d.message, .bold, color) + " [\(d.id) \(d.rule)]\n"
            for note in d.notes {
                if let s = note.span { out += paint("\(s):", .bold, color) + " " } else { out += "  " }
                out += paint("note:", .cyan, color) + " \(note.message)\n"
            }
            if let fix = d.fix { out += "  " + paint("help:", .cyan, color) + " \(fix)\n" }
        }
        let e = diagnostics.count(.error), w = diagnostics.count(.warning), i = diagnostics.count(.info)
        let counts = "\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s"), \(i) info"
        if let linted {
            out += counts + "; linted " + (linted.isEmpty ? "nothing" : linted.joined(separator: ", ")) + "\n"
        } else if !diagnostics.isEmpty {
            out += counts + "\n"
        }
        return out
    }

    enum Style: String {
        case bold = "\u{1B}[1m", red = "\u{1B}[1;31m", magenta = "\u{1B}[1;35m", cyan = "\u{1B}[1;36m"
    }

    static func paint(_ s: String, _ style: Style, _ on: Bool) -> String {
        on ? style.rawValue + s + "\u{1B}[0m" : s
    }
}

extension Severity {
    fileprivate var ansi: TextReporter.Style {
        switch self {
        case .error: .red
        case .warning: .magenta
        case .info: .cyan
        }
    }
}
