import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// An OpenSSL client session over an already connected non-blocking socket. Every call returns
/// at once; `SMTPConnection` polls the socket for what a `.wantRead`/`.wantWrite` asks and
/// retries, so its timeouts and deadline bound the handshake like any other wait.
///
/// The peer's certificate is verified against the system store (`/etc/ssl/certs`) but the
/// handshake never fails on it: the probe reports, it does not judge (SSL_VERIFY_NONE).
final class TLSChannel {
    enum Step {
        case done(Int)
        case wantRead
        case wantWrite
        /// The peer closed the TLS session (close_notify) or the socket.
        case closed
        case failed(String)
    }

    private let context: OpaquePointer
    private let ssl: OpaquePointer

    init(fd: Int32, serverName: String?) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw SMTPError.tls(Self.lastError()) }
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        _ = SSL_CTX_set_default_verify_paths(context)
        gw_ctx_set_modes(context)
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw SMTPError.tls(Self.lastError())
        }
        self.context = context
        self.ssl = ssl
        _ = SSL_set_fd(ssl, fd)
        // SNI only for names: RFC 6066 forbids address literals.
        if let serverName, !serverName.contains(":"), !serverName.allSatisfy({ $0 == "." || $0.isASCIIDigit }) {
            _ = gw_ssl_set_sni(ssl, serverName)
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    func handshake() -> Step { step(Self.withoutSIGPIPE { SSL_connect(ssl) }) { _ in .done(0) } }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Step {
        step(Self.withoutSIGPIPE { SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count)) }) { .done(Int($0)) }
    }

    func write(_ buffer: UnsafeRawBufferPointer) -> Step {
        step(Self.withoutSIGPIPE { SSL_write(ssl, buffer.baseAddress, Int32(clamping: buffer.count)) }) { .done(Int($0)) }
    }

    /// One close_notify, without waiting for the peer's.
    func shutdown() { _ = Self.withoutSIGPIPE { SSL_shutdown(ssl) } }

    /// OpenSSL writes to the socket with plain write(2), so a server that hangs up would kill
    /// the process with SIGPIPE (the clear-text path uses MSG_NOSIGNAL). Block it on this thread
    /// for the call and swallow one it raised; the call then sees EPIPE.
    private static func withoutSIGPIPE<T>(_ body: () -> T) -> T {
        var pipe = sigset_t(), saved = sigset_t(), pending = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipe, &saved)
        sigpending(&pending)
        let wasPending = sigismember(&pending, SIGPIPE) == 1
        let result = body()
        sigpending(&pending)
        if !wasPending, sigismember(&pending, SIGPIPE) == 1 {
            var now = timespec()
            _ = sigtimedwait(&pipe, nil, &now)
        }
        pthread_sigmask(SIG_SETMASK, &saved, nil)
        return result
    }

    private func step(_ rc: Int32, success: (Int32) -> Step) -> Step {
        if rc > 0 { return success(rc) }
        let code = SSL_get_error(ssl, rc)
        switch code {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let reason = Self.lastError()
            ERR_clear_error()
            return errno == 0 || reason == "unknown" ? .closed : .failed(errno != 0 ? String(cString: strerror(errno)) : reason)
        default:
            let reason = Self.lastError()
            ERR_clear_error()
            return .failed(reason)
        }
    }

    static func lastError() -> String {
        let code = ERR_peek_last_error()
        guard code != 0 else { return "unknown" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - What was negotiated

    /// Protocol, cipher and the leaf certificate; `host` is what the user asked to probe.
    func info(host: String) -> TLSInfo {
        let version = SSL_get_version(ssl).map { String(cString: $0) } ?? "unknown"
        let cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "unknown"
        var certificate: CertificateInfo?
        if let cert = SSL_get1_peer_certificate(ssl) {
            defer { X509_free(cert) }
            let result = SSL_get_verify_result(ssl)
            let verifyError = result == X509_V_OK ? nil : String(cString: X509_verify_cert_error_string(result))
            let matches = RelayProbe.isAddressLiteral(host)
                ? X509_check_ip_asc(cert, host, 0) == 1
                : X509_check_host(cert, host, host.utf8.count, 0, nil) == 1
            certificate = CertificateInfo(subject: Self.name(X509_get_subject_name(cert)),
                                          issuer: Self.name(X509_get_issuer_name(cert)),
                                          notBefore: Self.time(X509_get0_notBefore(cert)),
                                          notAfter: Self.time(X509_get0_notAfter(cert)),
                                          subjectAltNames: Self.altNames(cert),
                                          verifyError: verifyError, matchesHost: matches)
        }
        return TLSInfo(protocolVersion: version, cipher: cipher, certificate: certificate)
    }

    private static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, gw_name_flags()) >= 0 else { return "" }
        var data: UnsafeMutablePointer<CChar>?
        let count = gw_bio_contents(bio, &data)
        guard let data, count > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
    }

    private static func time(_ time: UnsafePointer<ASN1_TIME>?) -> String {
        var tm = tm()
        guard let time, ASN1_TIME_to_tm(time, &tm) == 1 else { return "" }
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T"
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
    }

    private static func altNames(_ cert: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        var out: [String] = []
        for index in 0..<OPENSSL_sk_num(names) {
            guard let entry = OPENSSL_sk_value(names, index)?.assumingMemoryBound(to: GENERAL_NAME.self) else { continue }
            switch entry.pointee.type {
            case GEN_DNS:
                if let ia5 = entry.pointee.d.dNSName, let bytes = ASN1_STRING_get0_data(ia5) {
                    out.append(String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(ia5))), as: UTF8.self))
                }
            case GEN_IPADD:
                if let octets = entry.pointee.d.iPAddress, let bytes = ASN1_STRING_get0_data(octets) {
                    out.append(Self.address(Array(UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(octets))))))
                }
            default: continue
            }
        }
        return out
    }

    private static func address(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 16 ? AF_INET6 : AF_INET
        guard bytes.count == 4 || bytes.count == 16,
              inet_ntop(family, bytes, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
