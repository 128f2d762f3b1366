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
///
/// libssl is loaded on the first channel (`gw_openssl_load`, COpenSSL), not linked: the other
/// commands never map it. A missing library fails this STARTTLS with the loader's reason.
final class TLSChannel {
    enum Step {
        case done(Int)
        case wantRead
        case wantWrite
        /// The peer closed the TLS session (close_notify) or the socket.
        case closed
        case failed(String)
    }

    private let api: UnsafePointer<gw_openssl>
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    init(fd: Int32, serverName: String?) throws {
        var failure = [CChar](repeating: 0, count: 512)
        guard let api = gw_openssl_load(&failure, failure.count) else {
            throw SMTPError.tls(String(decoding: failure.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        guard let context = api.pointee.SSL_CTX_new(api.pointee.TLS_client_method()) else {
            throw SMTPError.tls(Self.lastError(api))
        }
        api.pointee.SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        _ = api.pointee.SSL_CTX_set_default_verify_paths(context)
        gw_ctx_set_modes(api, context)
        guard let ssl = api.pointee.SSL_new(context) else {
            api.pointee.SSL_CTX_free(context)
            throw SMTPError.tls(Self.lastError(api))
        }
        self.api = api
        self.context = context
        self.ssl = ssl
        _ = api.pointee.SSL_set_fd(ssl, fd)
        // SNI only for names: RFC 6066 forbids address literals.
        if let serverName, !serverName.contains(":"), !serverName.allSatisfy({ $0 == "." || $0.isASCIIDigit }) {
            _ = gw_ssl_set_sni(api, ssl, serverName)
        }
    }

    deinit {
        api.pointee.SSL_free(ssl)
        api.pointee.SSL_CTX_free(context)
    }

    func handshake() -> Step { step(Self.withoutSIGPIPE { api.pointee.SSL_connect(ssl) }) { _ in .done(0) } }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Step {
        step(Self.withoutSIGPIPE { api.pointee.SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count)) }) { .done(Int($0)) }
    }

    func write(_ buffer: UnsafeRawBufferPointer) -> Step {
        step(Self.withoutSIGPIPE { api.pointee.SSL_write(ssl, buffer.baseAddress, Int32(clamping: buffer.count)) }) { .done(Int($0)) }
    }

    /// One close_notify, without waiting for the peer's.
    func shutdown() { _ = Self.withoutSIGPIPE { api.pointee.SSL_shutdown(ssl) } }

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
        let code = api.pointee.SSL_get_error(ssl, rc)
        switch code {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let reason = Self.lastError(api)
            api.pointee.ERR_clear_error()
            return errno == 0 || reason == "unknown" ? .closed : .failed(errno != 0 ? String(cString: strerror(errno)) : reason)
        default:
            let reason = Self.lastError(api)
            api.pointee.ERR_clear_error()
            return .failed(reason)
        }
    }

    static func lastError(_ api: UnsafePointer<gw_openssl>) -> String {
        let code = api.pointee.ERR_peek_last_error()
        guard code != 0 else { return "unknown" }
        var buffer = [CChar](repeating: 0, count: 256)
        api.pointee.ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - What was negotiated

    /// Protocol, cipher and the leaf certificate; `host` is what the user asked to probe.
    func info(host: String) -> TLSInfo {
        let ssl = api.pointee
        let version = ssl.SSL_get_version(self.ssl).map { String(cString: $0) } ?? "unknown"
        let cipher = ssl.SSL_get_current_cipher(self.ssl).flatMap { ssl.SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "unknown"
        var certificate: CertificateInfo?
        if let cert = ssl.SSL_get1_peer_certificate(self.ssl) {
            defer { ssl.X509_free(cert) }
            let result = ssl.SSL_get_verify_result(self.ssl)
            let verifyError = result == X509_V_OK ? nil : ssl.X509_verify_cert_error_string(result).map { String(cString: $0) } ?? "unknown"
            let matches = RelayProbe.isAddressLiteral(host)
                ? ssl.X509_check_ip_asc(cert, host, 0) == 1
                : ssl.X509_check_host(cert, host, host.utf8.count, 0, nil) == 1
            certificate = CertificateInfo(subject: name(ssl.X509_get_subject_name(cert)),
                                          issuer: name(ssl.X509_get_issuer_name(cert)),
                                          notBefore: time(ssl.X509_get0_notBefore(cert)),
                                          notAfter: time(ssl.X509_get0_notAfter(cert)),
                                          subjectAltNames: altNames(cert),
                                          verifyError: verifyError, matchesHost: matches)
        }
        return TLSInfo(protocolVersion: version, cipher: cipher, certificate: certificate)
    }

    private func name(_ name: OpaquePointer?) -> String {
        let ssl = api.pointee
        guard let name, let bio = ssl.BIO_new(ssl.BIO_s_mem()) else { return "" }
        defer { ssl.BIO_free(bio) }
        guard ssl.X509_NAME_print_ex(bio, name, 0, gw_name_flags()) >= 0 else { return "" }
        var data: UnsafeMutablePointer<CChar>?
        let count = gw_bio_contents(api, bio, &data)
        guard let data, count > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
    }

    private func time(_ time: UnsafePointer<ASN1_TIME>?) -> String {
        var tm = tm()
        guard let time, api.pointee.ASN1_TIME_to_tm(time, &tm) == 1 else { return "" }
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T"
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
    }

    private func altNames(_ cert: OpaquePointer) -> [String] {
        let ssl = api.pointee
        guard let raw = ssl.X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { ssl.GENERAL_NAMES_free(names) }
        var out: [String] = []
        for index in 0..<ssl.OPENSSL_sk_num(names) {
            guard let entry = ssl.OPENSSL_sk_value(names, index)?.assumingMemoryBound(to: GENERAL_NAME.self) else { continue }
            switch entry.pointee.type {
            case GEN_DNS:
                if let ia5 = entry.pointee.d.dNSName, let bytes = ssl.ASN1_STRING_get0_data(ia5) {
                    out.append(String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ssl.ASN1_STRING_length(ia5))), as: UTF8.self))
                }
            case GEN_IPADD:
                if let octets = entry.pointee.d.iPAddress, let bytes = ssl.ASN1_STRING_get0_data(octets) {
                    out.append(Self.address(Array(UnsafeBufferPointer(start: bytes, count: Int(ssl.ASN1_STRING_length(octets))))))
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
