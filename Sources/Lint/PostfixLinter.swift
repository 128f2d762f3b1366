import Diagnostics
import PostfixConfig
import GatewayCompiler

/// Runs every Postfix rule over a configuration and applies the inline suppressions of
/// main.cf and master.cf. `gatewayctl lint` and `gatewayctl check` (on the emitted files) call this.
public enum PostfixLinter {
    public static func lint(_ config: PostfixConfigSet, rules: [any PostfixRule] = RuleRegistry.postfixRules) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for rule in rules {
            findings += rule.check(config)
        }
        var suppressions: [Suppression] = []
        var files = [(config.mainCf.bytes, config.mainCf.file)]
        if let m = config.masterCf { files.append((m.bytes, m.file)) }
        for (bytes, file) in files {
            let (s, d) = Suppressions.parse(bytes, file: file)
            suppressions += s
            findings += d
        }
        let kept = Suppressions.apply(findings, suppressions)
        return FindingAggregation.aggregate(kept, config: config).sortedBySource()
    }
}

extension PostfixLinter {
    public static func lint(emitted tree: EmittedTree, version: PostfixVersion) -> [Diagnostic] {
        tree.postfixConfiguration(version: version).map { lint($0, rules: RuleRegistry.compiledOutputRules) } ?? []
    }
}
