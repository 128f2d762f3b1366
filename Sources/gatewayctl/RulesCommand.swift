import ArgumentParser
import ConfigModel
import Diagnostics
import Lint

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rule catalogue: id, name, default severity, summary.")

    @Option(name: .long, help: "Output format: text or json.")
    var format: ReportFormat = .text

    func run() throws {
        let rules = RuleRegistry.descriptions.sorted { $0.id < $1.id }
        if format == .json {
            let doc = JSONValue.array(rules.map { r in
                .object([("id", .string(r.id)), ("name", .string(r.name)),
                         ("severity", .string(r.severity.rawValue)), ("summary", .string(r.summary))])
            })
            Terminal.write(doc.serialized(indent: 2) + "\n")
            return
        }
        let width = rules.map(\.name.count).max() ?? 0
        for r in rules {
            let pad = String(repeating: " ", count: width - r.name.count)
            Terminal.write("\(r.id)  \(r.name)\(pad)  \(r.severity.rawValue.padding(7))  \(r.summary)\n")
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one rule: rationale, triggering and fixed examples.")

    @Argument(help: "A rule id (GW2001) or name (open-relay).")
    var rule: String

    func run() throws {
        guard let r = RuleRegistry.description(for: rule) else {
            let names = RuleRegistry.descriptions.flatMap { [$0.id, $0.name] }
            var message = "unknown rule `\(rule)`"
            if let s = Suggest.closest(to: rule, in: names) { message += "; did you mean `\(s)`?" }
            throw ValidationError(message)
        }
        Terminal.write(r.helpText)
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
