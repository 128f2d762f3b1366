import Diagnostics
import PostfixConfig
#if canImport(Glibc)
import Glibc
#endif

/// GW3022: server TLS on without a certificate or key Postfix can load, or a key others can read.
struct TLSCertificateFilesRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW3022", name: "tls-certificate-files", severity: .error,
        summary: "STARTTLS is on but the certificate or key is missing, or the key is readable by others",
        rationale: """
        With `smtpd_tls_security_level` set, smtpd loads `smtpd_tls_cert_file` and \
        `smtpd_tls_key_file` (or `smtpd_tls_chain_files`). Without them it logs a warning and \
        offers no STARTTLS (`may`: a warning here), or refuses every mail (`encrypt`: an \
        error). The private key must be \
        readable by root only (mode 0600, or 0640 for a group such as ssl-cert): a key others \
        can read lets any local user impersonate the server. Files are checked where they \
        can be: inside the linted directory, or anywhere when the linted directory is the \
        running system's `config_directory`. A copied tree with none of them (a repository \
        keeps the configuration, not the private key) is not faulted for it.
        """,
        triggering: [
            .postfix(mainCf: "smtpd_tls_security_level = ↓may\n"),
            .postfix(mainCf: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/postfix/cert.pem\n"
                     + "smtpd_tls_key_file = ↓/etc/postfix/key.pem\n", [("cert.pem", "certificate\n")]),
            .postfix(mainCf: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/postfix/cert.pem\n"
                     + "smtpd_tls_key_file = ↓/etc/postfix/key.pem\n", [("cert.pem", "certificate\n"), ("key.pem", "key\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/ssl/private/gw.pem\n"),
            .postfix(mainCf: "smtpd_tls_security_level = none\n"),
            // ISPConfig-style files under config_directory, not committed with the configuration.
            .postfix(mainCf: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/postfix/smtpd.cert\n"
                     + "smtpd_tls_key_file = /etc/postfix/smtpd.key\n"),
        ])

    /// Without a certificate `may` only loses STARTTLS; `encrypt` loses all mail.
    func missingSeverity(_ scope: ParameterScope) -> Severity {
        TLSSupport.serverLevel(scope) == "encrypt" ? .error : .warning
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out = DiagnosticSet()
        for scope in config.lintScopes where TLSSupport.serverLevel(scope) != "none" {
            let levelName = scope.value("smtpd_tls_security_level").isEmpty ? "smtpd_use_tls" : "smtpd_tls_security_level"
            let levelSpan = scope.origin(levelName)?.valueSpan ?? scope.anchor(levelName)
            let chain = scope.value("smtpd_tls_chain_files")
            let cert = scope.value("smtpd_tls_cert_file"), ecCert = scope.value("smtpd_tls_eccert_file")
            if chain.isEmpty, cert.isEmpty, ecCert.isEmpty {
                out.add(Self.diagnostic("STARTTLS is on (`\(levelName)`) but no certificate is set: smtpd cannot offer TLS",
                                        at: levelSpan, fix: "set `smtpd_tls_cert_file` and `smtpd_tls_key_file`",
                                        severity: missingSeverity(scope)))
                continue
            }
            var files: [(String, String, Bool)] = []   // parameter, path, holds a private key
            if !chain.isEmpty {
                files += PostfixList.split(chain).map { ("smtpd_tls_chain_files", $0, true) }
            } else {
                if !cert.isEmpty { files.append(("smtpd_tls_cert_file", cert, false)) }
                let key = scope.value("smtpd_tls_key_file")
                if !cert.isEmpty { files.append(("smtpd_tls_key_file", key.isEmpty ? cert : key, true)) }
            }
            // A repository keeps the configuration, never the private key: when none of the
            // files is in a copied tree, they are the server's to hold, not missing.
            let checkable = files.compactMap { f in TLSSupport.checkablePath(f.1, config, scope).map { (f, $0) } }
            if !TLSSupport.isLive(config, scope), !checkable.contains(where: { access($0.1, F_OK) == 0 }) { continue }
            for ((name, path, isKey), local) in checkable {
                let at = scope.origin(name)?.valueSpan ?? scope.anchor(name)
                var st = stat()
                guard stat(local, &st) == 0 else {
                    out.add(Self.diagnostic("`\(name)` names `\(path)`, which does not exist: smtpd cannot offer TLS", at: at,
                                            fix: "create the file (certificate and key in PEM), or correct the path",
                                            severity: missingSeverity(scope)))
                    continue
                }
                if isKey, st.st_mode & 0o004 != 0 {
                    out.add(Self.diagnostic("the private key `\(path)` is readable by every user (mode \(String(st.st_mode & 0o777, radix: 8)))",
                                            at: at, fix: "chmod 600 \(path) (or 640 with a group such as ssl-cert)"))
                }
            }
        }
        return out.all
    }
}
