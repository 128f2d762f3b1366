import Diagnostics
import PostfixConfig

/// GW3004: a main.cf or `-o` parameter Postfix does not know.
struct UnknownParameterRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW3004", name: "unknown-parameter", severity: .warning,
        summary: "a parameter name Postfix does not know (a typo, or too new for the target version)",
        rationale: """
        Postfix ignores parameters it does not know, only `postconf` mentions them (`unused \
        parameter`). A typo such as `smtpd_recipent_restrictions` leaves the real parameter at \
        its default: the restrictions the admin wrote are simply not in effect. Names used as \
        `$name` elsewhere, restriction classes, per-transport parameters (of master.cf's \
        services, or of the stock services when there is no master.cf) and old names a \
        renamed parameter still honours are not reported; names newer than the target \
        version are.
        """,
        triggering: [
            .postfix(mainCf: "↓smtpd_recipent_restrictions = reject_unauth_destination\n"),
            .postfix(mainCf: "# gatewayctl: postfix-version=2.8\n↓smtpd_relay_restrictions = reject_unauth_destination\n"),
            .postfix(mainCf: "", [("master.cf", "smtp inet n - y - - smtpd\n  -o ↓smtpd_helo_requird=yes\n")]),
            .postfix(mainCf: "# gatewayctl: postfix-version=3.4\n↓postscreen_dnsbl_allowlist_threshold = -1\n"),
            // Newer than the knowledge table and than the target (3.7 by default).
            .postfix(mainCf: "↓smtp_tls_enable_rpk = yes\n"),
        ],
        nonTriggering: [
            // A Debian 13 (Postfix 3.10) main.cf: parameters of 3.8 to 3.10.
            .postfix(mainCf: """
            # gatewayctl: postfix-version=3.10
            use_srv_lookup = submission
            tls_ffdhe_auto_groups = ffdhe2048
            smtp_tls_enable_rpk = yes
            smtpd_hide_client_session = yes
            """),
            .postfix(mainCf: """
            mua_client_restrictions = permit_sasl_authenticated, reject
            smtpd_restriction_classes = friends
            friends = permit
            smtp-amavis_destination_concurrency_limit = 2
            """, [("master.cf", "smtp inet n - y - - smtpd\nsmtp-amavis unix - - n - 2 smtp\nsubmission inet n - y - - smtpd\n  -o smtpd_client_restrictions=$mua_client_restrictions\n")]),
            // No master.cf: the stock services' per-transport parameters; old names 3.7 honours.
            .postfix(mainCf: """
            smtp_recipient_limit = 100
            relay_destination_concurrency_limit = 10
            local_delivery_slot_cost = 2
            postscreen_dnsbl_whitelist_threshold = -1
            postscreen_blacklist_action = drop
            postscreen_dnsbl_ttl = 1h
            smtpd_per_record_deadline = yes
            """),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        // Without master.cf Postfix runs its stock services, each with its transport_* family.
        let services = config.masterCf?.services.map(\.name) ?? PostfixKnowledge.defaultServices
        let referenced = Self.referencedNames(config)
        let classes = Set(config.parameters(for: nil).list("smtpd_restriction_classes").map(\.text))
        // Only names the target version has: no 3.6 allowlist names for a 3.4 server.
        // Old names of renamed parameters are the right suggestion where the new one is too new.
        // Indexed once per run, at the first unknown name (most configurations have none, and
        // the index of 1,000 names costs more than the rest of the rule): a main.cf may hold
        // 100,000 unknown names.
        var index: Suggest.Index?
        func candidates() -> Suggest.Index {
            if let index { return index }
            let oldNames = PostfixKnowledge.compatibilityNames.filter { !PostfixKnowledge.exists($0.value, in: config.version) }.keys
            let built = Suggest.Index(PostfixKnowledge.parameterNames.filter { PostfixKnowledge.exists($0, in: config.version) }
                                      + oldNames)
            index = built
            return built
        }
        var out = DiagnosticSet()
        var names: [(String, SourceSpan)] = config.mainCf.entries.map { ($0.name, $0.nameSpan) }
        for s in config.masterCf?.services ?? [] {
            for o in s.overrides { names.append((o.name, o.nameSpan)) }
        }
        for (name, span) in names {
            // A parameter of a release newer than the knowledge table exists from that release.
            let newer = PostfixKnowledge.newerParameters[name]
            if newer != nil || PostfixKnowledge.isKnownParameter(name, services: services) {
                if let since = newer ?? PostfixKnowledge.parameterIntroduced[name], config.version < since {
                    let old = PostfixKnowledge.compatibilityNames.first { $0.value == name }?.key
                    out.add(Self.diagnostic("`\(name)` does not exist in Postfix \(config.version) (it appeared in \(since)); it is ignored",
                                            at: span, fix: old.map { "write `\($0)`, the name \(config.version) knows" }
                                                ?? "remove it, or set `--postfix-version` to the version you run"))
                }
                continue
            }
            if referenced.contains(name) || classes.contains(name) { continue }
            let suggestion = candidates().closest(to: name)
            if let s = suggestion {
                out.add(Self.diagnostic("unknown parameter `\(name)`; did you mean `\(s)`?", at: span, fix: "write `\(s)`"))
            } else {
                out.add(Self.diagnostic("unknown parameter `\(name)` is never used; Postfix ignores it", at: span,
                                        fix: "remove it, or reference it as `$\(name)`"))
            }
        }
        return out.all
    }

    /// Every `$name`, `${name...}` and `$(name)` in main.cf values and `-o` values.
    static func referencedNames(_ config: PostfixConfigSet) -> Set<String> {
        var values = config.mainCf.entries.map(\.value)
        for s in config.masterCf?.services ?? [] { values += s.overrides.map(\.value) }
        var out = Set<String>()
        for v in values where v.contains("$") {
            var e = Expander { _ in nil }
            _ = e.expand(v)
            out.formUnion(e.referenced)
        }
        return out
    }
}
