/// `[tls]`: STARTTLS on port 25 and TLS to the inside mail server.
public struct TLS: Equatable, Sendable {
    /// smtpd_tls_security_level on port 25; `encrypt` refuses clear-text mail from the Internet.
    public enum ServerLevel: String, Equatable, Sendable, CaseIterable { case may, encrypt }
    /// TLS to the inside server (smtp_tls_policy_maps for its next hop only).
    public enum InsideLevel: String, Equatable, Sendable, CaseIterable { case none, may, encrypt, verify }

    public var certificate: String            // smtpd_tls_cert_file (PEM, chain after the leaf)
    public var key: String                    // smtpd_tls_key_file
    public var level: ServerLevel
    public var inside: InsideLevel
    /// CA file that signs the inside server's certificate (needed for `verify`).
    public var insideCA: String?

    public init(certificate: String, key: String, level: ServerLevel = .may, inside: InsideLevel = .may,
                insideCA: String? = nil) {
        self.certificate = certificate
        self.key = key
        self.level = level
        self.inside = inside
        self.insideCA = insideCA
    }
}
