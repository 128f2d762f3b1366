/// What STARTTLS negotiated, for the report. Everything here is information: a certificate
/// that does not verify or does not match the host never changes the relay verdict.
public struct TLSInfo: Sendable, Equatable {
    /// `TLSv1.3`, `TLSv1.2`, ...
    public var protocolVersion: String
    /// OpenSSL's name, e.g. `TLS_AES_256_GCM_SHA384`.
    public var cipher: String
    public var certificate: CertificateInfo?

    public init(protocolVersion: String, cipher: String, certificate: CertificateInfo?) {
        self.protocolVersion = protocolVersion
        self.cipher = cipher
        self.certificate = certificate
    }
}

/// The server's (leaf) certificate as the probe saw it.
public struct CertificateInfo: Sendable, Equatable {
    /// One-line distinguished names, `CN=mx.example.com, O=Example`.
    public var subject: String
    public var issuer: String
    /// Validity bounds in UTC, ISO 8601 (`2026-11-29T12:00:00Z`).
    public var notBefore: String
    public var notAfter: String
    /// DNS names and addresses of the subjectAltName extension.
    public var subjectAltNames: [String]
    /// nil when the chain verifies against the system's trust store, else OpenSSL's reason
    /// (`self-signed certificate`, `certificate has expired`, ...).
    public var verifyError: String?
    /// Whether the certificate names the host the probe was given (DNS name or address).
    public var matchesHost: Bool

    public var verifies: Bool { verifyError == nil }
}

/// STARTTLS as attempted on one connection: not offered, refused, failed, or negotiated.
public enum TLSOutcome: Sendable, Equatable {
    /// The EHLO reply did not list STARTTLS (or the session is not ESMTP).
    case notOffered
    /// `--no-starttls`: offered or not, the probe did not ask.
    case skipped
    /// STARTTLS answered with something other than 220, or the handshake failed.
    case failed(String)
    case negotiated(TLSInfo)
}
