import Diagnostics
import PostfixConfig

/// GW3005: a master.cf `-o` replaces a restriction list main.cf also sets.
struct OverrideShadowsMainRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW3005", name: "override-shadows-main-cf", severity: .info,
        summary: "a master.cf `-o` replaces a restriction list that main.cf sets",
        rationale: """
        A `-o smtpd_..._restrictions=` override replaces the whole main.cf list for that \
        service; checks added to main.cf later never reach it. Admins copy a list into \
        master.cf to change one item and then forget the copy. Refer to a named list instead \
        (`-o smtpd_client_restrictions=$mua_client_restrictions`) so the intent is explicit. \
        Not reported: an emptied list (`-o smtpd_helo_restrictions=`) and listeners off the \
        public ports (a content filter's re-injection smtpd), which replace lists on purpose.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_client_restrictions = reject_unknown_client_hostname\n",
                     [("master.cf", "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o ↓smtpd_client_restrictions=permit_sasl_authenticated,reject\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_client_restrictions = reject_unknown_client_hostname\nmua_client_restrictions = permit_sasl_authenticated, reject\n",
                     [("master.cf", "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o smtpd_client_restrictions=$mua_client_restrictions\n")]),
            .postfix(mainCf: "smtpd_client_restrictions = reject_unknown_client_hostname\n",
                     [("master.cf", "smtp inet n - y - - smtpd\n127.0.0.1:10025 inet n - n - - smtpd\n  -o smtpd_client_restrictions=permit_mynetworks,reject\n")]),
            // A bulk sender's submission port repeating main.cf's list without its spaces.
            .postfix(mainCf: "smtpd_relay_restrictions = permit_mynetworks, reject\n",
                     [("master.cf", "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o smtpd_relay_restrictions=permit_mynetworks,reject\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        let lists = Set(PostfixKnowledge.restrictionLists.map(\.name))
        var out: [Diagnostic] = []
        // Listeners off the public ports (a filter's re-injection smtpd on 127.0.0.1:10025,
        // an internal port) replace lists on purpose, and an empty `-o name=` says so itself.
        for s in config.smtpdServices where config.parameters(for: s).isPublicListener {
            for o in s.overrides where lists.contains(o.name) && !o.value.isEmpty {
                // The same items spelled with other separators replace nothing.
                guard let main = config.mainCf.parameters[o.name], PostfixList.split(main.value) != PostfixList.split(o.value),
                      ParameterScope.soleReference(o.value) == nil else { continue }
                out.append(Self.diagnostic("`-o \(o.name)` replaces main.cf's list for service `\(s.name)`",
                                           at: o.nameSpan, notes: [.init("main.cf's list, not used by `\(s.name)`", at: main.valueSpan)],
                                           fix: "name the list in main.cf and write `-o \(o.name)=$NAME`"))
            }
        }
        return out
    }
}
