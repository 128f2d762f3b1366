import Diagnostics
import PostfixConfig
import ConfigModel
import Simulate

/// One way a client outside `mynetworks` gets OK from a relay-deciding list before its guard.
public struct RelayPermit: Sendable {
    /// The restriction that permits (its span is where the finding lands).
    public var restriction: ListItem
    /// `check_helo_access hash:/etc/postfix/helo_access`, as written.
    public var restrictionText: String
    /// What the attacker does: `HELO partner.example.org`, `any client`.
    public var trigger: String
    /// Why it permits: the map line that returns OK, the class that holds `permit`.
    public var notes: [Diagnostic.Note]
    /// True when anyone can satisfy it; false when only listed clients can (a client table
    /// entry, a recipient table entry: trust that may be intended).
    public var anyOutsider: Bool
    /// The one-line fix.
    public var fix: String
    /// True when the key is the recipient: the permit opens relaying TO the listed
    /// destinations (like an extra relay domain), not for listed clients.
    public var forListedRecipients = false
    /// The attacker's choices that reach this permit (a HELO, a sender, ...), for the
    /// simulator to confirm; empty for a permit any transaction reaches.
    public var attack: [AttackChoice] = []
    /// False when the trigger cannot be turned into a transaction (DNS data, a certificate):
    /// the verdict then stays the analysis's own.
    public var simulable = true
}


/// The walk of one relay-deciding list up to its first unconditional guard.
public struct RelayListWalk: Sendable {
    public var parameter: String
    /// The first restriction that rejects every relay attempt (`reject_unauth_destination`, ...).
    public var relayGuard: ListItem?
    public var permits: [RelayPermit] = []
    /// `check_policy_service` before the guard (a policy answer can be OK).
    public var policiesBeforeGuard: [ListItem] = []
    public var tlsAllClientCerts: [ListItem] = []
    public var mxBackup: [ListItem] = []

    /// True when an outsider can get past this list without a reject.
    public func passable(byAnyone: Bool) -> Bool {
        relayGuard == nil || permits.contains { $0.anyOutsider || !byAnyone }
    }
}

/// Relay control of one smtpd service, as Postfix evaluates an RCPT from an outsider.
public struct RelayAnalysis: Sendable {
    /// The services to analyse: master.cf's smtpd services, or main.cf alone without master.cf.
    public static func services(of config: PostfixConfigSet) -> [MasterService?] {
        guard config.hasMainCf else { return [] }
        let s = config.smtpdServices
        return s.isEmpty ? [nil] : s.map { $0 }
    }

    public var service: MasterService?
    public var lists: [RelayListWalk]
    /// Postfix's start-up check (`has_required` in smtpd_check.c): a guard in the relay or
    /// recipient list, not after a literal `permit`. False means smtpd exits with a fatal error.
    public var startsUp: Bool

    /// Anyone can relay: every list is passable by an outsider and smtpd starts.
    public var isOpen: Bool { startsUp && lists.allSatisfy { $0.passable(byAnyone: true) } }
    /// Some listed outsiders (client or recipient table entries) can relay.
    public var isOpenForSome: Bool { startsUp && lists.allSatisfy { $0.passable(byAnyone: false) } }

    public static let guardNames: [String] = ["reject_unauth_destination", "defer_unauth_destination", "reject",
                                             "defer", "defer_if_permit", "check_relay_domains"]

    public static func analyze(_ config: PostfixConfigSet, service: MasterService?) -> RelayAnalysis {
        let key = service.map { "\($0.name)/\($0.type)@\($0.span.line)" } ?? ""
        return config.tables.derived("relay-analysis\u{0}" + key) { compute(config, service: service) }
    }

    static func compute(_ config: PostfixConfigSet, service: MasterService?) -> RelayAnalysis {
        let scope = config.parameters(for: service)
        var walker = RestrictionWalker(config: config, scope: scope)
        let lists = scope.relayListsInOrder.map { walker.walkRelayList($0) }
        let startsUp = scope.relayListsInOrder.contains { walker.hasRequired(scope.list($0).map(\.text), depth: 0) }
        return RelayAnalysis(service: service, lists: lists, startsUp: startsUp)
    }
}

/// Walks restriction lists the way smtpd_check.c does, classifying each restriction by what
/// an outsider can make it return.
struct RestrictionWalker {
    let config: PostfixConfigSet
    let scope: ParameterScope
    let classes: Set<String>
    /// An outer trigger (a map entry whose value is a restriction list), its notes and choices.
    typealias Outer = (trigger: String, notes: [Diagnostic.Note], attack: [AttackChoice])
    /// How often each class or table value was expanded in this walk: a class reached through
    /// tables from itself (issue 10 item 8) must not make the walk exponential. Each is
    /// expanded at most `expansionLimit` times, and never inside itself.
    private var expansions: [String: Int] = [:]
    private var expanding: Set<String> = []
    static let expansionLimit = 4

    private mutating func beginExpansion(_ key: String) -> Bool {
        guard !expanding.contains(key), expansions[key, default: 0] < Self.expansionLimit else { return false }
        expansions[key, default: 0] += 1
        expanding.insert(key)
        return true
    }

    private mutating func endExpansion(_ key: String) { expanding.remove(key) }

    init(config: PostfixConfigSet, scope: ParameterScope) {
        self.config = config
        self.scope = scope
        classes = Set(scope.list("smtpd_restriction_classes").map(\.text))
    }

    /// smtpd's `has_required`: a guard before any literal `permit`, looking into classes.
    func hasRequired(_ items: [String], depth: Int) -> Bool {
        var seen = Set<String>()
        return hasRequired(items, seen: &seen)
    }

    /// Each class is looked into once: a class seen before answered false (or smtpd crashed).
    private func hasRequired(_ items: [String], seen: inout Set<String>) -> Bool {
        var i = 0
        while i < items.count {
            let name = items[i]
            if name == "warn_if_reject", i + 1 < items.count { i += 2; continue }
            if name == "permit" { return false }
            if RelayAnalysis.guardNames.contains(name) { return true }
            if classes.contains(name), seen.insert(name).inserted, hasRequired(scope.list(name).map(\.text), seen: &seen) { return true }
            i += 1
        }
        return false
    }

    mutating func walkRelayList(_ parameter: String) -> RelayListWalk {
        var walk = RelayListWalk(parameter: parameter)
        expansions = [:]
        expanding = []
        walkItems(scope.list(parameter), stage: .recipient, into: &walk, depth: 0, context: [])
        return walk
    }

    /// `context`: outer triggers (a map entry whose value is a restriction list) and notes.
    private mutating func walkItems(_ items: [ListItem], stage: RestrictionInfo.Stage, into walk: inout RelayListWalk,
                                    depth: Int, context: [Outer]) {
        var i = 0
        var warnOnly = false
        while i < items.count {
            let item = items[i]
            let name = item.text
            i += 1
            let info = PostfixKnowledge.restrictions[name]
            var argument: ListItem?
            if let info, info.argument != .none, i < items.count {
                argument = items[i]
                i += 1
            }
            defer { if name != "warn_if_reject" { warnOnly = false } }
            if name == "warn_if_reject" { warnOnly = true; continue }
            if let info {
                if info.isRelayGuard && info.permit != .authorizedDestination || name == "check_relay_domains" {
                    if warnOnly || depth > 0 { continue }
                    walk.relayGuard = item
                    return
                }
                classify(info, item: item, argument: argument, stage: stage, into: &walk, depth: depth, context: context)
                continue
            }
            if classes.contains(name) {
                // A restriction class: its OK ends the outer list too.
                guard depth < 100, beginExpansion("class\u{0}" + name) else { continue }
                let sub = scope.list(name)
                var inner = RelayListWalk(parameter: name)
                walkItems(sub, stage: stage, into: &inner, depth: depth + 1,
                          context: context + [(trigger: "", notes: [.init("restriction class `\(name)` is evaluated here", at: item.span)], attack: [])])
                endExpansion("class\u{0}" + name)
                for var p in inner.permits {
                    p.restriction = item
                    p.restrictionText = name
                    walk.permits.append(p)
                }
                if inner.relayGuard != nil && depth == 0 { walk.relayGuard = item; return }
                continue
            }
            if name.contains(":") {
                // A bare table in a list is checked against the list's own subject.
                let implied = ["check_client_access", "check_helo_access", "check_sender_access", "check_recipient_access"][min(stage.rawValue, 3)]
                if let info = PostfixKnowledge.restrictions[implied] {
                    classify(info, item: item, argument: item, stage: stage, into: &walk, depth: depth, context: context, written: name)
                }
            }
        }
    }

    private mutating func classify(_ info: RestrictionInfo, item: ListItem, argument: ListItem?, stage: RestrictionInfo.Stage,
                                   into walk: inout RelayListWalk, depth: Int,
                                   context: [Outer], written: String? = nil) {
        let text = written ?? ([item.text] + (argument.map { [PostfixList.ungroup($0.text)] } ?? [])).joined(separator: " ")
        let outerTriggers = context.map(\.trigger).filter { !$0.isEmpty }
        let outerNotes = context.flatMap(\.notes)
        let outerAttack = context.flatMap(\.attack)
        func add(_ trigger: String, anyone: Bool, notes: [Diagnostic.Note] = [], fix: String, attack: [AttackChoice] = [],
                 simulable: Bool = true) {
            let t = (outerTriggers + [trigger]).joined(separator: " and ")
            walk.permits.append(RelayPermit(restriction: item, restrictionText: text, trigger: t,
                                            notes: outerNotes + notes, anyOutsider: anyone, fix: fix,
                                            attack: outerAttack + attack, simulable: simulable))
        }
        let moveFix = "move `\(text)` after `reject_unauth_destination`"
        switch info.permit {
        case .never, .authorizedDestination:
            return
        case .always:
            add("any client", anyone: true, fix: depth > 0 ? "do not return `permit` before the relay guard" : moveFix + ", or delete it")
        case .trustedClient:
            guard info.name == "permit_mynetworks" else { return }
            for net in scope.list("mynetworks") {
                let t = PostfixList.ungroup(net.text)
                if let cidr = try? CIDR(parsing: t), cidr.prefix == 0 {
                    add("any client", anyone: true,
                        notes: [.init("`mynetworks` holds `\(t)`, which covers every address", at: net.span)],
                        fix: "list only the networks of your own mail clients in `mynetworks`")
                } else if t.contains(":"), !t.hasPrefix("["), IPAddress(t) == nil {
                    // A table of networks (`cidr:/etc/postfix/mynetworks`): any key matches.
                    let table = config.tables.table(t, config: config, scope: scope, at: net.span)
                    for e in table.entries {
                        guard let cidr = try? CIDR(parsing: e.key), cidr.prefix == 0 else { continue }
                        add("any client", anyone: true,
                            notes: [.init("`mynetworks` table `\(t)` holds `\(e.key)`, which covers every address", at: e.span)],
                            fix: "list only the networks of your own mail clients in `\(t)`")
                    }
                }
            }
        case .anyClientCertificate:
            walk.tlsAllClientCerts.append(item)
        case .mxBackup:
            walk.mxBackup.append(item)
        case .dnsWhitelisted:
            add("a client listed in `\(argument?.text ?? "the DNS whitelist")`", anyone: true, fix: moveFix, simulable: false)
        case .nakedIPHelo:
            add("`HELO 192.0.2.1` (any bare IP address)", anyone: true, fix: "delete `permit_naked_ip_address`",
                attack: [AttackChoice(field: .helo, value: "192.0.2.1")], simulable: false)
        case .policyResult:
            walk.policiesBeforeGuard.append(item)
        case .tableResult:
            guard let argument else { return }
            let reference = PostfixList.ungroup(argument.text)
            let table = config.tables.table(reference, config: config, scope: scope, at: argument.span)
            walk.permits += tablePermits(table, info: info, item: item, text: text, depth: depth, context: context)
        }
    }

    private mutating func tablePermits(_ table: AccessTable, info: RestrictionInfo, item: ListItem, text: String,
                                       depth: Int, context: [Outer]) -> [RelayPermit] {
        var out: [RelayPermit] = []
        let outerTriggers = context.map(\.trigger).filter { !$0.isEmpty }
        let outerNotes = context.flatMap(\.notes)
        let outerAttack = context.flatMap(\.attack)
        func add(_ trigger: String, _ anyone: Bool, _ notes: [Diagnostic.Note], _ fix: String, _ choice: AttackChoice?) {
            out.append(RelayPermit(restriction: item, restrictionText: text,
                                   trigger: (outerTriggers + [trigger]).joined(separator: " and "),
                                   notes: outerNotes + notes, anyOutsider: anyone, fix: fix,
                                   attack: outerAttack + (choice.map { [$0] } ?? []), simulable: choice != nil))
        }
        let subject = Self.subject(of: info.name)
        for entry in table.entries {
            // Most entries of a big table reject or continue: classify from the bytes first and
            // build the trigger text only for the ones that matter.
            let action = Self.classify(entry.value)
            if action == .continues { continue }
            let value = entry.value.trimmingPostfixSpace()
            let trigger = Self.trigger(subject: subject, key: entry.key, table: table)
            var choice = AttackChoices.choice(subject: subject, key: entry.key, table: table)
            // A local-part key (`abuse@`) matches that mailbox at any domain: anyone relays.
            let anyone = Self.attackerControlled(subject: subject, key: entry.key, table: table, value: value)
                || subject == .recipient && choice.map { !$0.listed } ?? false
            // A client key that covers anyone (`unknown`, a /8 or wider) is no listed client.
            if subject == .client, choice != nil { choice?.listed = !anyone }
            if action == .permits {
                let word = value.split(separator: " ").first.map(String.init) ?? value
                add(trigger, anyone, [.init("`\(entry.key)` maps to `\(value)`, which permits", at: entry.span)],
                    "move `\(text)` after `reject_unauth_destination`, or change `\(word)` to `DUNNO`", choice)
                if subject == .recipient || subject == .recipientDNS, !out.isEmpty { out[out.count - 1].forListedRecipients = !anyone }
                continue
            }
            // A value that is a restriction list or class is evaluated in place (depth <= 100).
            let expansion = "value\u{0}" + value
            guard depth < 100, beginExpansion(expansion) else { continue }
            let items = PostfixList.split(value).map { ListItem(text: $0, span: entry.span, parameter: table.reference) }
            var inner = RelayListWalk(parameter: table.reference)
            walkItems(items, stage: subject.stage, into: &inner, depth: depth + 1,
                      context: context + [(trigger: anyone ? trigger : "", notes: [.init("`\(entry.key)` maps to `\(value)`", at: entry.span)],
                                           attack: choice.map { [$0] } ?? [])])
            endExpansion(expansion)
            for var p in inner.permits {
                p.restriction = item
                p.restrictionText = text
                p.anyOutsider = p.anyOutsider && anyone
                p.simulable = p.simulable && choice != nil
                if !anyone { p.trigger = trigger + " and " + p.trigger }
                out.append(p)
            }
        }
        return out
    }

    enum ValueAction { case permits, continues, restrictions }

    /// What an access(5) value does, from its first word: OK, RELAY, DISCARD and a bare number
    /// permit; other actions and `NNN text` replies do not; anything else is a restriction list.
    static func classify(_ value: String) -> ValueAction {
        var u = value.utf8[...]
        while let f = u.first, f == 0x20 || f == 0x09 { u = u.dropFirst() }
        while let l = u.last, l == 0x20 || l == 0x09 || l == 0x0d { u = u.dropLast() }
        let word = u.prefix { $0 != 0x20 && $0 != 0x09 && $0 != 0x2c }
        guard !word.isEmpty else { return .continues }
        if word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return word.count == u.count ? .permits : .continues
        }
        var upper = [UInt8]()
        upper.reserveCapacity(word.count)
        for c in word { upper.append(c >= 0x61 && c <= 0x7a ? c - 0x20 : c) }
        switch upper.count {
        case 2 where upper == Array("OK".utf8): return .permits
        case 5 where upper == Array("RELAY".utf8): return .permits
        case 7 where upper == Array("DISCARD".utf8): return .permits
        default: break
        }
        let w = String(decoding: upper, as: UTF8.self)
        return PostfixKnowledge.accessActions.contains(w) ? .continues : .restrictions
    }

    enum Subject {
        case client, helo, sender, recipient, clientDNS, heloDNS, senderDNS, recipientDNS, certificate, sasl, etrn
        var stage: RestrictionInfo.Stage {
            switch self {
            case .client, .clientDNS, .certificate, .sasl, .etrn: .client
            case .helo, .heloDNS: .helo
            case .sender, .senderDNS: .sender
            case .recipient, .recipientDNS: .recipient
            }
        }
    }

    static func subject(of name: String) -> Subject {
        let dns = name.hasSuffix("_mx_access") || name.hasSuffix("_ns_access") || name.hasSuffix("_a_access")
        if name.hasPrefix("check_helo") { return dns ? .heloDNS : .helo }
        if name.hasPrefix("check_sender") { return dns ? .senderDNS : .sender }
        if name.hasPrefix("check_recipient") { return dns ? .recipientDNS : .recipient }
        if name == "check_ccert_access" { return .certificate }
        if name == "check_sasl_access" { return .sasl }
        if name == "check_etrn_access" { return .etrn }
        return dns ? .clientDNS : .client
    }

    /// How an attacker reaches this table entry, in SMTP terms.
    static func trigger(subject: Subject, key: String, table: AccessTable) -> String {
        if table.kind == .regex {
            let what = ["client": "a client name or address", "helo": "a HELO", "sender": "a MAIL FROM address",
                        "recipient": "a RCPT TO address"]["\(subject.stage)"] ?? "a lookup"
            return "\(what) matching `\(key)`"
        }
        if table.kind == .staticValue { return "any \(subject.stage) (`\(table.reference)`)" }
        switch subject {
        case .helo:
            if key.hasPrefix(".") { return "`HELO host\(key)`" }
            return key.contains(".") && IPAddress(key) == nil ? "`HELO \(key)` (or any name under it)" : "`HELO \(key)`"
        case .sender, .recipient:
            let verb = subject == .sender ? "MAIL FROM" : "RCPT TO"
            if key == "<>" { return "`\(verb):<>`" }
            if key.hasSuffix("@") { return "`\(verb):<\(key)any.domain>`" }
            if key.contains("@") { return "`\(verb):<\(key)>`" }
            return "`\(verb):<anyone@\(key.hasPrefix(".") ? "host" + key : key)>`"
        case .client: return key.lowercased() == "unknown" ? "a client without reverse DNS" : "a client at `\(key)`"
        case .heloDNS: return "a HELO name whose DNS points at `\(key)`"
        case .senderDNS: return "a sender domain whose DNS points at `\(key)`"
        case .recipientDNS: return "a recipient domain whose DNS points at `\(key)`"
        case .clientDNS: return "a client hostname whose DNS points at `\(key)`"
        case .certificate: return "a client certificate with fingerprint `\(key)`"
        case .sasl: return "SASL login `\(key)`"
        case .etrn: return "ETRN `\(key)`"
        }
    }

    /// True when any outsider can produce the lookup key: HELO, sender, DNS data they publish,
    /// a client table entry that matches clients without reverse DNS or a huge network, a
    /// regex or static table that matches a probe.
    static func attackerControlled(subject: Subject, key: String, table: AccessTable, value: String) -> Bool {
        switch subject {
        case .helo, .sender, .heloDNS, .senderDNS, .clientDNS: return true
        case .certificate, .sasl, .etrn, .recipientDNS: return false
        case .recipient:
            if table.kind == .staticValue { return true }
            if table.kind == .regex, let re = table.regex { return re.query("relay-probe@gatewayctl-probe.invalid") != nil }
            return false
        case .client:
            if table.kind == .staticValue { return true }
            if table.kind == .regex, let re = table.regex {
                return re.query("198.51.100.7") != nil || re.query("unknown") != nil
            }
            if key.lowercased() == "unknown" { return true }
            if let c = try? CIDR(parsing: key) { return c.prefix <= 8 }
            // `1` or `10` alone is an IPv4 /8 prefix in access(5).
            return key.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && !key.isEmpty && key.count <= 3
        }
    }
}
