import Diagnostics
import PostfixConfig

/// GW2030: postscreen without the services it hands work to.
struct PostscreenHelpersRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2030", name: "postscreen-without-helpers", severity: .error,
        summary: "postscreen runs without `smtpd pass`, `dnsblog` or `tlsproxy` in master.cf",
        rationale: """
        postscreen answers port 25 but never takes mail: a client that passes is handed to the \
        `pass` service named by `smtpd_service_name` (`smtpd`); without it every client that \
        passes is disconnected with a 421, so no mail arrives. DNS lists are asked through \
        `dnsblog` (without it no list is ever asked, so no client is ever refused by one), \
        and STARTTLS offered by postscreen runs in `tlsproxy`.
        """,
        triggering: [
            .postfix(mainCf: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3\n",
                     [("master.cf", "↓smtp inet n - n - 1 postscreen\ndnsblog unix - - n - 0 dnsblog\n")]),
            .postfix(mainCf: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3\n",
                     [("master.cf", "↓smtp inet n - n - 1 postscreen\nsmtpd pass - - n - - smtpd\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3\nsmtpd_tls_security_level = may\n",
                     [("master.cf", "smtp inet n - n - 1 postscreen\nsmtpd pass - - n - - smtpd\n"
                                    + "dnsblog unix - - n - 0 dnsblog\ntlsproxy unix - - n - 0 tlsproxy\n")]),
            .postfix(mainCf: "", [("master.cf", "smtp inet n - n - - smtpd\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf, let master = config.masterCf else { return [] }
        var out: [Diagnostic] = []
        for ps in PostscreenSupport.services(config) {
            let scope = config.parameters(for: ps)
            let passName = scope.value("smtpd_service_name").isEmpty ? "smtpd" : scope.value("smtpd_service_name")
            let at = ps.span
            if !master.services.contains(where: { $0.name == passName && $0.type == "pass" && $0.command == "smtpd" }) {
                out.append(Self.diagnostic("postscreen `\(ps.name)` has no `\(passName) pass ... smtpd` to hand clients to: no mail arrives",
                                           at: at, fix: "add `\(passName)     pass  -       -       n       -       -       smtpd` to master.cf"))
            }
            let dnsblog = scope.value("dnsblog_service_name").isEmpty ? "dnsblog" : scope.value("dnsblog_service_name")
            if !scope.list("postscreen_dnsbl_sites").isEmpty,
               !master.services.contains(where: { $0.name == dnsblog && $0.command == "dnsblog" }) {
                out.append(Self.diagnostic("postscreen `\(ps.name)` asks DNS lists but master.cf has no `\(dnsblog)` service: no list is ever asked",
                                           at: at, fix: "add `\(dnsblog)   unix  -       -       n       -       0       dnsblog` to master.cf"))
            }
            let level = scope.value("postscreen_tls_security_level")
            let tlsproxy = scope.value("tlsproxy_service_name").isEmpty ? "tlsproxy" : scope.value("tlsproxy_service_name")
            if (!level.isEmpty && level != "none") || scope.bool("postscreen_use_tls") || scope.bool("postscreen_enforce_tls"),
               !master.services.contains(where: { $0.name == tlsproxy && $0.command == "tlsproxy" }) {
                out.append(Self.diagnostic("postscreen `\(ps.name)` offers STARTTLS but master.cf has no `\(tlsproxy)` service",
                                           at: at, fix: "add `\(tlsproxy)  unix  -       -       n       -       0       tlsproxy` to master.cf",
                                           severity: .warning))
            }
        }
        return out
    }
}
