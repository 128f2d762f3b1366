import PostfixConfig

/// smtpd_check_init()'s start-up check: the relay or recipient list must hold a relay guard
/// before any literal `permit` (`has_required`, looking into restriction classes). Without one
/// smtpd exits with "specify at least one working instance of ..."; a class that includes
/// itself before a guard makes `has_required` recurse until smtpd crashes (3.7: SIGSEGV).
/// Either way no client gets an SMTP reply, so nothing is accepted.
struct SmtpdStartup {
    static let required: Set<String> = ["check_relay_domains", "reject_unauth_destination", "defer_unauth_destination",
                                        "reject", "defer", "defer_if_permit"]

    enum Failure: Equatable {
        case noGuard
        /// The class whose definition reaches itself.
        case classLoop(String)
    }

    let context: SimulationContext
    private let classes: Set<String>

    init(context: SimulationContext) {
        self.context = context
        classes = Set(context.items("smtpd_restriction_classes"))
    }

    /// `lists`: the relay and recipient lists smtpd checks, recipient list first (smtpd_check.c).
    func failure(lists: [String]) -> Failure? {
        var memo: [String: Bool] = [:]
        var path: [String] = []
        let ordered = lists.filter { $0 == "smtpd_recipient_restrictions" } + lists.filter { $0 != "smtpd_recipient_restrictions" }
        for list in ordered {
            switch hasRequired(context.items(list), memo: &memo, path: &path) {
            case .success(true): return nil
            case .success(false): continue
            case .failure(let loop): return .classLoop(loop.name)
            }
        }
        return .noGuard
    }

    struct Loop: Error { var name: String }

    private func hasRequired(_ items: [String], memo: inout [String: Bool], path: inout [String]) -> Result<Bool, Loop> {
        var i = 0
        while i < items.count {
            let name = items[i]
            if name == "warn_if_reject", i + 1 < items.count { i += 2; continue }
            if name == "permit" { return .success(false) }
            if Self.required.contains(name) { return .success(true) }
            if classes.contains(name) {
                if path.contains(name) { return .failure(Loop(name: name)) }
                let found: Bool
                if let known = memo[name] {
                    found = known
                } else {
                    path.append(name)
                    let result = hasRequired(context.items(name), memo: &memo, path: &path)
                    path.removeLast()
                    guard case .success(let value) = result else { return result }
                    memo[name] = value
                    found = value
                }
                if found { return .success(true) }
            }
            i += 1
        }
        return .success(false)
    }

    /// The prediction for every command when smtpd cannot start.
    static func reply(_ failure: Failure) -> SimulatedReply {
        switch failure {
        case .noGuard:
            SimulatedReply(code: 421, enhancedStatus: "4.3.0",
                           text: "no service: smtpd exits at start-up (no relay guard in smtpd_relay_restrictions or smtpd_recipient_restrictions), nothing is accepted")
        case .classLoop(let name):
            SimulatedReply(code: 421, enhancedStatus: "4.3.0",
                           text: "no service: smtpd crashes at start-up (restriction class `\(name)` includes itself), nothing is accepted")
        }
    }
}
