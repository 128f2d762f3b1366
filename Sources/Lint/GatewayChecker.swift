import Diagnostics
import PostfixConfig
import ConfigModel
import GatewayCompiler

/// Everything `gatewayctl check` judges, in one place: `check`, `build` (which refuses what
/// `check` rejects) and `simulate` consume the same `Compilation`, so they can never disagree.
public enum GatewayChecker {
    /// Runs every registered gateway rule over a parsed document.
    public static func check(_ document: GatewayDocument, rules: [any GatewayRule] = RuleRegistry.gatewayRules) -> [Diagnostic] {
        rules.flatMap { $0.check(document) }
    }

    /// A compilation and every finding on it.
    public struct Checked: Sendable {
        public var compilation: Compilation
        public var diagnostics: [Diagnostic]
        public var document: GatewayDocument? { compilation.document }
        public var tree: EmittedTree? { compilation.tree }
        public var unreadable: Bool { compilation.unreadable }
    }

    /// The whole pipeline on a file: compile (parse with `section.key=value` overrides, emit, read
    /// the emitted Postfix files), the gateway rules, the Postfix rules (open-relay first) on the
    /// files the gateway compiles to, then the `# gatewayctl: disable=RULE reason` comments.
    public static func check(path: String, overrides: [String] = []) -> Checked {
        let compilation = Compilation.compile(path: path, overrides: overrides)
        return Checked(compilation: compilation, diagnostics: check(compilation))
    }

    public static func check(_ compilation: Compilation) -> [Diagnostic] {
        var diagnostics = compilation.diagnostics
        if let document = compilation.document {
            diagnostics += check(document)
            // Findings on the compiled files only mean something for a model without errors.
            if !diagnostics.contains(where: { $0.severity == .error }), let config = compilation.postfix {
                diagnostics += PostfixLinter.lint(config, rules: RuleRegistry.compiledOutputRules)
                    .map { anchor($0, in: compilation) }
            }
        }
        if !compilation.unreadable {
            let (suppressions, problems) = Suppressions.parse(compilation.bytes, file: compilation.path)
            diagnostics = Suppressions.apply(diagnostics + problems, suppressions)
        }
        return diagnostics
    }

    /// A finding on a compiled file (which exists only in memory during `check`) is moved to the
    /// gateway.conf entry it comes from; the compiled line stays as the first note.
    static func anchor(_ d: Diagnostic, in compilation: Compilation) -> Diagnostic {
        guard let target = compilation.origin(of: d.span) else { return d }
        var moved = d
        moved.span = target
        moved.notes.insert(.init("in the compiled `\(d.span.file)`, line \(d.span.line)", at: nil), at: 0)
        return moved
    }
}
