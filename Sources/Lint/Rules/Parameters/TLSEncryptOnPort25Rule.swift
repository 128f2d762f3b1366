import Diagnostics
import PostfixConfig

/// GW3021: mandatory TLS on the port the Internet delivers to.
struct TLSEncryptOnPort25Rule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW3021", name: "tls-encrypt-on-port-25", severity: .error,
        summary: "port 25 requires TLS, so servers without it cannot deliver",
        rationale: """
        `smtpd_tls_security_level = encrypt` (or `smtpd_enforce_tls = yes`) refuses every \
        command but EHLO, STARTTLS and QUIT before TLS. On the port other servers deliver to \
        that refuses all mail from those that do not speak TLS, and RFC 3207 forbids it for a \
        publicly referenced server. Use `may` on port 25 and `encrypt` on submission only \
        (a master.cf `-o` override on the 587 service).
        """,
        triggering: [
            .postfix(mainCf: "smtpd_tls_security_level = ↓encrypt\nsmtpd_tls_cert_file = /etc/postfix/cert.pem\n"),
            .postfix(mainCf: "smtpd_tls_security_level = may\n",
                     [("master.cf", "smtp inet n - n - - smtpd\n    -o smtpd_tls_security_level=↓encrypt\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_tls_security_level = may\n",
                     [("master.cf", "smtp inet n - n - - smtpd\nsubmission inet n - n - - smtpd\n    -o smtpd_tls_security_level=encrypt\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        var out = DiagnosticSet()
        var scopes: [ParameterScope] = []
        if let master = config.masterCf {
            // The listeners other servers deliver to: port 25 (smtpd or postscreen's pass service).
            for s in master.services where s.isSMTPServer || s.command == "postscreen" {
                let port = s.name.split(separator: ":").last.map(String.init) ?? s.name
                if port == "smtp" || port == "25" || s.type == "pass" { scopes.append(config.parameters(for: s)) }
            }
        } else {
            scopes.append(config.parameters(for: nil))
        }
        for scope in scopes where TLSSupport.serverLevel(scope) == "encrypt" {
            let name = scope.value("smtpd_tls_security_level").isEmpty ? "smtpd_enforce_tls" : "smtpd_tls_security_level"
            let service = scope.service.map { " for `\($0.name)`" } ?? ""
            out.add(Self.diagnostic("`\(name)` requires TLS on port 25\(service): servers without TLS cannot deliver",
                                    at: scope.origin(name)?.valueSpan ?? scope.anchor(name),
                                    fix: "use `smtpd_tls_security_level = may` on port 25; require TLS on submission only"))
        }
        return out.all
    }
}
