/// Runs every registered gateway rule over a parsed document.
public enum GatewayChecker {
    public static func check(_ document: GatewayDocument, rules: [any GatewayRule] = RuleRegistry.gatewayRules) -> [Diagnostic] {
        rules.flatMap { $0.check(document) }
    }
}
