import Diagnostics
import PostfixConfig

/// GW2006: a restriction class that reaches itself, directly or through an access table.
struct RestrictionRecursionRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2006", name: "restriction-recursion", severity: .error,
        summary: "a restriction class includes itself: smtpd crashes or answers 451 4.3.5",
        rationale: """
        smtpd expands a restriction class wherever its name appears, and evaluates a restriction \
        list that an access table returns. A class that names itself, directly or through other \
        classes, recurses without limit: Postfix 3.7's smtpd dies with SIGSEGV when it evaluates \
        it (at start-up already when the loop comes before the relay guard), so clients see the \
        connection drop. A loop through an access table (`cls = check_sender_access \
        hash:/etc/postfix/m`, `m` mapping a key to `cls`) stops after 100 levels with \
        `451 4.3.5 Server configuration error` for every transaction that hits the key. Either \
        way mail is refused by accident.
        """,
        triggering: [
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_restriction_classes = loop
            loop = ↓loop
            smtpd_recipient_restrictions = loop, reject_unauth_destination
            """),
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_restriction_classes = cls1
            cls1 = check_sender_access ↓hash:/etc/postfix/m0, reject_unauth_destination
            """, [("m0", "x cls1\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            compatibility_level = 3.6
            smtpd_restriction_classes = a, b
            a = b
            b = permit_mynetworks, reject
            smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/m0
            """, [("m0", "x a\n")]),
        ])

    private struct Edge {
        var to: String
        var via: ListItem
        var throughTable: Bool
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen = Set<String>()
        let services: [MasterService?] = config.smtpdServices.isEmpty ? [nil] : config.smtpdServices
        for service in services where config.hasMainCf {
            let scope = config.parameters(for: service)
            let classes = scope.list("smtpd_restriction_classes").map(\.text)
            let classSet = Set(classes)
            var edges: [String: [Edge]] = [:]
            func edgesOf(_ items: [ListItem]) -> [Edge] {
                var found: [Edge] = []
                for (i, item) in items.enumerated() {
                    if classSet.contains(item.text) { found.append(Edge(to: "class:" + item.text, via: item, throughTable: false)) }
                    // A table (a check_*_access argument or a bare one); not a policy endpoint.
                    let reference = PostfixList.ungroup(item.text)
                    if reference.contains(":"), !reference.hasPrefix("inet:"), !reference.hasPrefix("unix:"),
                       i == 0 || items[i - 1].text != "check_policy_service" {
                        found.append(Edge(to: "table:" + reference, via: item, throughTable: true))
                    }
                }
                return found
            }
            for name in classes { edges["class:" + name] = edgesOf(scope.list(name)) }
            // Tables named by classes: their restriction-list values lead on.
            var pending = edges.values.flatMap { $0 }.map(\.to).filter { $0.hasPrefix("table:") }
            while let node = pending.popLast() {
                guard edges[node] == nil else { continue }
                let reference = String(node.dropFirst(6))
                let table = config.tables.table(reference, config: config, scope: scope, at: nil)
                var found: [Edge] = []
                for entry in table.entries where RestrictionWalker.classify(entry.value) == .restrictions {
                    let items = PostfixList.split(entry.value).map { ListItem(text: $0, span: entry.span, parameter: reference) }
                    found += edgesOf(items)
                }
                edges[node] = found
                pending += found.map(\.to).filter { $0.hasPrefix("table:") && edges[$0] == nil }
            }
            // Each class on a cycle, reported once at the reference that closes it.
            var state: [String: Int] = [:]   // 1 on the path, 2 done
            var path: [(node: String, edge: Edge?)] = []
            func visit(_ node: String, via: Edge?) {
                if state[node] == 2 { return }
                if state[node] == 1 {
                    guard let via, let start = path.firstIndex(where: { $0.node == node }) else { return }
                    let cycle = path[start...].map(\.node) + [node]
                    let throughTable = path[(start + 1)...].contains { $0.edge?.throughTable == true } || via.throughTable
                    // Point at the first step out of the class: a main.cf line, not a table line.
                    let first = start + 1 < path.count ? path[start + 1].edge ?? via : via
                    report(cycle, at: first.via, throughTable: throughTable)
                    return
                }
                state[node] = 1
                path.append((node, via))
                for e in edges[node] ?? [] { visit(e.to, via: e) }
                path.removeLast()
                state[node] = 2
            }
            func report(_ cycle: [String], at item: ListItem, throughTable: Bool) {
                let shown = cycle.map { n in n.hasPrefix("class:") ? "`\(n.dropFirst(6))`" : "table `\(n.dropFirst(6))`" }
                    .joined(separator: " -> ")
                let name = cycle.first.map { String($0.dropFirst(6)) } ?? ""
                let message = throughTable
                    ? "restriction class `\(name)` reaches itself through an access table (\(shown)): after 100 levels smtpd answers `451 4.3.5 Server configuration error`"
                    : "restriction class `\(name)` includes itself (\(shown)): smtpd recurses until it crashes (SIGSEGV), and clients see the connection drop"
                let span = item.span ?? scope.anchor(name)
                guard seen.insert("\(span)|\(message)").inserted else { return }
                out.append(Self.diagnostic(message, at: span,
                                           notes: service.map { [.init("in master.cf service `\($0.name)`", at: $0.span)] } ?? [],
                                           fix: "make `\(name)` end in a decision (`permit`, `reject`) without naming itself"))
            }
            for name in classes { visit("class:" + name, via: nil) }
        }
        return out
    }
}
