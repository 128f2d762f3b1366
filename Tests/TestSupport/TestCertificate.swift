import Foundation
import XCTest

/// A self-signed certificate and its key, made for one test by the real `openssl req -x509`
/// (package openssl): nothing is checked in, nothing expires in the repository.
public struct TestCertificate: Sendable {
    public var certificatePEM: String
    public var keyPEM: String
    /// What the test asked for, to compare with what a client reports.
    public var commonName: String
    public var days: Int

    /// `openssl req -x509 -newkey ec` (P-256: fast to generate) with subject `/CN=commonName/O=…`
    /// and `dnsNames` as subjectAltName.
    public static func make(commonName: String, organization: String = "gatewayctl tests",
                            dnsNames: [String] = [], days: Int = 30,
                            file: StaticString = #filePath, line: UInt = #line) throws -> TestCertificate {
        let openssl = try TestSupport.requireTool("openssl", package: "openssl", file: file, line: line)
        let dir = try TestSupport.makeTempDir("gatewayctl-cert")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("cert.pem"), key = dir.appendingPathComponent("key.pem")
        var arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-days", String(days), "-subj", "/CN=\(commonName)/O=\(organization)",
                         "-keyout", key.path, "-out", cert.path]
        if !dnsNames.isEmpty {
            arguments += ["-addext", "subjectAltName=" + dnsNames.map { "DNS:\($0)" }.joined(separator: ",")]
        }
        let result = try TestSupport.run(openssl, arguments)
        guard result.status == 0 else { throw DaemonError("openssl req failed: \(result.stderr)") }
        return TestCertificate(certificatePEM: try String(contentsOf: cert, encoding: .utf8),
                               keyPEM: try String(contentsOf: key, encoding: .utf8),
                               commonName: commonName, days: days)
    }

    /// `openssl x509 -noout -enddate` of the certificate: `notAfter=Dec 29 12:00:00 2026 GMT`.
    public func opensslField(_ option: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let openssl = try TestSupport.requireTool("openssl", package: "openssl", file: file, line: line)
        let dir = try TestSupport.makeTempDir("gatewayctl-cert")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("cert.pem")
        try Data(certificatePEM.utf8).write(to: cert)
        let result = try TestSupport.run(openssl, ["x509", "-noout", option, "-in", cert.path])
        guard result.status == 0 else { throw DaemonError("openssl x509 \(option): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension PostfixInstance {
    /// main.cf settings and files for STARTTLS on the smtp service with `certificate`
    /// (`smtpd_tls_security_level = may`): pass them as `overrides:` and `files:`.
    public static func tlsSettings(_ certificate: TestCertificate)
        -> (overrides: [String: String], files: [String: String]) {
        (["smtpd_tls_security_level": "may",
          "smtpd_tls_cert_file": "$config_directory/tls/cert.pem",
          "smtpd_tls_key_file": "$config_directory/tls/key.pem",
          "smtpd_tls_loglevel": "1"],
         ["tls/cert.pem": certificate.certificatePEM, "tls/key.pem": certificate.keyPEM])
    }
}
