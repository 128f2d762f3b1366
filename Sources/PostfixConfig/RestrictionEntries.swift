import Diagnostics

/// One restriction as written in an smtpd restriction list, with its argument.
public struct RestrictionEntry: Sendable {
    /// `smtpd_helo_restrictions`, ...
    public var list: String
    public var stage: RestrictionInfo.Stage
    public var item: ListItem
    public var argument: ListItem?
    /// nil for names Postfix does not know (or restriction classes, bare tables).
    public var info: RestrictionInfo?
    public var isClass: Bool
    /// A bare `type:table` item (checked against the list's own subject).
    public var isTable: Bool { info == nil && !isClass && item.text.contains(":") }
}

extension ParameterScope {
    /// The entries of every smtpd restriction list (and of restriction classes, listed with the
    /// stage of the list... classes get `.generic`), in SMTP order.
    public var restrictionEntries: [RestrictionEntry] {
        let classes = Set(list("smtpd_restriction_classes").map(\.text))
        var out: [RestrictionEntry] = []
        var lists = PostfixKnowledge.restrictionLists.map { ($0.name, $0.stage) }
        lists += classes.sorted().map { ($0, RestrictionInfo.Stage.generic) }
        for (name, stage) in lists {
            let items = list(name)
            var i = 0
            while i < items.count {
                let item = items[i]
                i += 1
                let info = PostfixKnowledge.restrictions[item.text]
                var argument: ListItem?
                if let info, info.argument != .none, i < items.count {
                    argument = items[i]
                    i += 1
                }
                out.append(RestrictionEntry(list: name, stage: stage, item: item, argument: argument, info: info,
                                            isClass: classes.contains(item.text)))
            }
        }
        return out
    }
}

extension PostfixConfigSet {
    /// main.cf alone, then every smtpd service with `-o` overrides: the scopes whose
    /// restriction lists a rule should look at. Findings are deduplicated by the caller.
    public var lintScopes: [ParameterScope] {
        guard hasMainCf else { return [] }
        var out = [parameters(for: nil)]
        for s in smtpdServices where !s.overrides.isEmpty { out.append(parameters(for: s)) }
        return out
    }
}

extension ParameterScope {
    /// True for main.cf alone and for smtpd services on the public SMTP ports (or postscreen's
    /// `pass` service): the listeners that the Internet talks to. A re-injection listener on
    /// 127.0.0.1:10025 deliberately overrides checks the public service must keep.
    public var isPublicListener: Bool {
        guard let s = service else { return true }
        if s.type == "pass" { return true }
        let port = s.name.split(separator: ":").last.map(String.init) ?? s.name
        return ["smtp", "25", "submission", "587", "smtps", "submissions", "465"].contains(port)
    }
}

/// Collects findings once per (span, message) across scopes.
public struct DiagnosticSet {
    public private(set) var all: [Diagnostic] = []
    private var seen = Set<String>()
    public init() {}
    public mutating func add(_ d: Diagnostic) {
        if seen.insert("\(d.span)|\(d.message)").inserted { all.append(d) }
    }
}
