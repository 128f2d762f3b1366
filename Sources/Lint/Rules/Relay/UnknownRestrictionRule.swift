import Diagnostics
import PostfixConfig
import ConfigModel

/// GW2010: a restriction name smtpd does not know.
struct UnknownRestrictionRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2010", name: "unknown-restriction", severity: .error,
        summary: "a restriction list names something smtpd does not know",
        rationale: """
        smtpd reads restriction lists when a client reaches them. An unknown name (a typo, a \
        restriction class missing from `smtpd_restriction_classes`, a restriction of a newer \
        Postfix) makes it log `unknown smtpd restriction` and answer every such client with \
        `451 4.3.5 Server configuration error`: all mail is deferred.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_helo_restrictions = ↓reject_invalid_helo_hostnam\n"),
            .postfix(mainCf: "smtpd_sender_restrictions = ↓trusted_senders\ntrusted_senders = permit_mynetworks\n"),
            .postfix(mainCf: "# gatewayctl: postfix-version=2.8\nsmtpd_recipient_restrictions = permit_mynetworks, ↓defer_unauth_destination\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: """
            smtpd_restriction_classes = trusted_senders
            trusted_senders = permit_mynetworks
            smtpd_sender_restrictions = trusted_senders, reject_non_fqdn_sender, hash:/etc/postfix/access
            """),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        let known = Array(PostfixKnowledge.restrictions.keys)
        for scope in config.lintScopes {
            for e in scope.restrictionEntries {
                let span = e.item.span ?? scope.anchor(e.list)
                if let info = e.info {
                    if config.version < info.introduced {
                        out.add(Self.diagnostic(
                            "`\(info.name)` is not known to Postfix \(config.version) (it appeared in \(info.introduced)); smtpd answers 451 4.3.5",
                            at: span, fix: fix(for: info, version: config.version)))
                    }
                    continue
                }
                if e.isClass || e.isTable { continue }
                // A map value or a `{ }` group is not a restriction name.
                let name = e.item.text
                if name.hasPrefix("{") { continue }
                var message = "`\(name)` is not a restriction smtpd knows; every client reaching `\(e.list)` gets 451 4.3.5"
                var fix = "correct the name, or declare the class in `smtpd_restriction_classes`"
                if let s = Suggest.closest(to: name, in: known) {
                    message = "`\(name)` is not a restriction smtpd knows; did you mean `\(s)`?"
                    fix = "write `\(s)`"
                } else if scope.config.mainCf.parameters[name] != nil {
                    message = "`\(name)` is a parameter but not a restriction class"
                    fix = "add `\(name)` to `smtpd_restriction_classes`"
                }
                out.add(Self.diagnostic(message, at: span, fix: fix))
            }
        }
        return out.all
    }

    private func fix(for info: RestrictionInfo, version: PostfixVersion) -> String {
        let older = PostfixKnowledge.restrictions.values.first { $0.renamedTo?.name == info.name && version >= $0.introduced }
        if let older { return "use `\(older.name)`, its name before \(info.introduced)" }
        if info.name == "defer_unauth_destination" { return "use `reject_unauth_destination`" }
        return "remove it, or set `--postfix-version` to the version you run"
    }
}
