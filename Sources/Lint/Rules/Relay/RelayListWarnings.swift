import PostfixConfig

/// Shared walk for the warnings about what sits before the relay guard (GW2003-GW2005).
enum RelayListFindings {
    /// Items of `pick` from every relay-deciding list of every smtpd service, deduplicated.
    static func items(_ config: PostfixConfigSet, _ pick: (RelayListWalk) -> [ListItem]) -> [(ListItem, ParameterScope, String)] {
        var out: [(ListItem, ParameterScope, String)] = []
        var seen = Set<String>()
        for service in RelayAnalysis.services(of: config) {
            let a = RelayAnalysis.analyze(config, service: service)
            let scope = config.parameters(for: service)
            for list in a.lists where list.relayGuard != nil || !a.startsUp {
                for item in pick(list) {
                    let span = item.span ?? scope.anchor(list.parameter)
                    guard seen.insert("\(span)").inserted else { continue }
                    out.append((ListItem(text: item.text, span: span, parameter: item.parameter), scope, list.parameter))
                }
            }
        }
        return out
    }
}
