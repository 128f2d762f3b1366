import ConfigModel
import PostfixConfig

/// postscreen's verdict on a connection, before smtpd ever sees it (postscreen(8),
/// POSTSCREEN_README): the access list first (a permit skips every test), then the pre-greet
/// test (the client talked before the greeting ended) and the weighted DNS lists, scored from
/// the DNS fixture. What the client then hears:
/// - `ignore`: nothing; it is handed to smtpd as if it had passed (the log says why not);
/// - `enforce`: postscreen keeps talking and refuses every RCPT (`550 5.7.1 Service
///   unavailable; client [ADDR] blocked using ZONE`, `550 5.5.1 Protocol error`);
/// - `drop`: `521` with the same text instead of the rest of the greeting, then it hangs up.
/// When both tests fail, the pre-greet reply stays (postscreen saw the early talk first; seen
/// with Postfix 3.7 in `PostscreenDifferentialTests`), unless the DNS lists say `drop`. Only the tests before the
/// greeting are modelled; the deep protocol tests (pipelining, non-SMTP, bare newline) are off
/// in every gateway gatewayctl writes.
struct PostscreenEvaluator {
    enum Outcome: Equatable {
        case pass
        /// 521 at connect: no command is ever answered.
        case drop(SimulatedReply)
        /// Every RCPT gets this reply from postscreen's own SMTP engine.
        case enforce(SimulatedReply)
    }

    struct Verdict {
        var outcome: Outcome
        var trace: [TraceStep]
        var notEvaluated: [NotEvaluated]
    }

    let scope: ParameterScope
    let tables: TableProvider
    let dns: DNSFixture?

    static let list = "postscreen"

    func judge(_ tx: Transaction) -> Verdict {
        var trace: [TraceStep] = []
        var notEvaluated: [NotEvaluated] = []
        func step(_ restriction: String, _ lookups: [String] = [], _ result: String, _ reply: SimulatedReply? = nil) {
            trace.append(TraceStep(list: Self.list, restriction: restriction, lookups: lookups, result: result, reply: reply))
        }

        // 1. postscreen_access_list: first permit or reject decides.
        for item in scope.list("postscreen_access_list").map(\.text) {
            if item == "permit_mynetworks" {
                let match = MatchList(patterns: scope.list("mynetworks").map(\.text), parentMatchesSubdomains: false, tables: tables)
                    .matchesHost(name: "unknown", address: tx.clientAddress)
                step("postscreen_access_list permit_mynetworks", [tx.clientAddress], match ? "OK (skips every test)" : "DUNNO")
                if match { return Verdict(outcome: .pass, trace: trace, notEvaluated: notEvaluated) }
                continue
            }
            guard let table = tables.table(item) else {
                step("postscreen_access_list \(item)", [tx.clientAddress], "not evaluated (table not readable)")
                continue
            }
            let value = table.lookup(tx.clientAddress)?.lowercased()
            step("postscreen_access_list \(item)", [tx.clientAddress], value.map { $0.uppercased() } ?? "DUNNO")
            if value == "permit" { return Verdict(outcome: .pass, trace: trace, notEvaluated: notEvaluated) }
            if value == "reject" {
                let action = scope.value("postscreen_blacklist_action").isEmpty
                    ? scope.value("postscreen_denylist_action") : scope.value("postscreen_blacklist_action")
                if let outcome = outcome(action, code: 550, "5.7.1", "Service unavailable; client [\(tx.clientAddress)] blocked using access list") {
                    return Verdict(outcome: outcome, trace: trace, notEvaluated: notEvaluated)
                }
            }
            if value != nil { break }
        }

        var verdict = Outcome.pass
        // 2. Pre-greet: the client spoke before the greeting ended.
        let greetAction = scope.value("postscreen_greet_action")
        if tx.talksFirst {
            let o = outcome(greetAction, code: 550, "5.5.1", "Protocol error")
            step("postscreen_greet_action = \(greetAction)", [], o == nil ? "PREGREET (ignored)" : "PREGREET", o.map(reply))
            if let o { verdict = o }
        } else {
            step("pre-greet test", [], "PASS")
        }

        // 3. Weighted DNS lists.
        let sites = scope.list("postscreen_dnsbl_sites").map(\.text)
        guard !sites.isEmpty, !tx.clientAddress.contains(":") else { return Verdict(outcome: verdict, trace: trace, notEvaluated: notEvaluated) }
        let threshold = Int(scope.value("postscreen_dnsbl_threshold")) ?? 1
        let dnsblAction = scope.value("postscreen_dnsbl_action")
        guard let dns else {
            let queries = sites.map { DNSFixture.reversedQuery(tx.clientAddress, zone: Self.site($0).zone.lowercased()) }
            let alternative = outcome(dnsblAction, code: 550, "5.7.1",
                                      "Service unavailable; client [\(tx.clientAddress)] blocked using \(replyName(Self.site(sites[0]).zone))")
            notEvaluated.append(NotEvaluated(restriction: "postscreen_dnsbl_sites", reason: "needs DNS (\(queries.joined(separator: ", ")))",
                                             alternative: alternative.map(reply)))
            step("postscreen_dnsbl_sites", queries, "not evaluated (needs DNS)")
            return Verdict(outcome: verdict, trace: trace, notEvaluated: notEvaluated)
        }
        var score = 0
        var top: (zone: String, weight: Int)?
        var lookups: [String] = []
        for text in sites {
            let site = Self.site(text)
            let query = DNSFixture.reversedQuery(tx.clientAddress, zone: site.zone.lowercased())
            lookups.append(query)
            let answers = dns.answers(query, "A")
            let listed = !answers.isEmpty
                && (site.filter.map { f in answers.contains { RestrictionEvaluator.addressPatternMatches(f, $0) } } ?? true)
            guard listed else { continue }
            score += site.weight
            if site.weight > 0, site.weight > (top?.weight ?? 0) { top = (site.zone, site.weight) }
        }
        let description = "postscreen_dnsbl_sites: score \(score), threshold \(threshold)"
        guard score >= threshold, let top else {
            step(description, lookups, "PASS")
            return Verdict(outcome: verdict, trace: trace, notEvaluated: notEvaluated)
        }
        let o = outcome(dnsblAction, code: 550, "5.7.1",
                        "Service unavailable; client [\(tx.clientAddress)] blocked using \(replyName(top.zone))")
        step(description + ", action \(dnsblAction)", lookups, o == nil ? "DNSBL (ignored)" : "DNSBL", o.map(reply))
        if let o, verdict == .pass || { if case .drop = o { true } else { false } }() { verdict = o }
        return Verdict(outcome: verdict, trace: trace, notEvaluated: notEvaluated)
    }

    /// The zone as replies show it: through postscreen_dnsbl_reply_map (a DQS key stays hidden).
    func replyName(_ zone: String) -> String {
        for reference in scope.list("postscreen_dnsbl_reply_map").map(\.text) {
            if let name = tables.table(reference)?.lookup(zone) { return name }
        }
        return zone
    }

    /// The outcome an action gives with the enforce reply; nil for `ignore`.
    func outcome(_ action: String, code: Int, _ dsn: String, _ text: String) -> Outcome? {
        switch action.lowercased() {
        case "enforce": .enforce(SimulatedReply(code: code, enhancedStatus: dsn, text: text))
        case "drop": .drop(SimulatedReply(code: 521, enhancedStatus: dsn, text: text))
        default: nil
        }
    }

    func reply(_ o: Outcome) -> SimulatedReply {
        switch o {
        case .pass: .rcptOK
        case .drop(let r), .enforce(let r): r
        }
    }

    /// `zone[=filter][*weight]`.
    static func site(_ text: String) -> (zone: String, filter: String?, weight: Int) {
        var rest = Substring(text)
        var weight = 1
        if let star = rest.lastIndex(of: "*") {
            weight = Int(rest[rest.index(after: star)...]) ?? 1
            rest = rest[..<star]
        }
        if let eq = rest.firstIndex(of: "=") {
            return (String(rest[..<eq]), String(rest[rest.index(after: eq)...]), weight)
        }
        return (String(rest), nil, weight)
    }
}
