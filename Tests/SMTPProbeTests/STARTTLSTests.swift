import Foundation
import SMTPProbe
import TestSupport
import XCTest

/// STARTTLS against a real Postfix 3.7 with a certificate made in the test by `openssl req`.
final class STARTTLSTests: XCTestCase {
    private func probe(port: UInt16, starttls: Bool = true) throws -> RelayProbeReport {
        try RelayProbe.run(RelayProbeOptions(host: "127.0.0.1", port: port, helo: "probe.test.example",
                                             domain: "example.org", commandTimeout: .seconds(10),
                                             totalTimeout: .seconds(120), starttls: starttls))
    }

    private func postfix(_ certificate: TestCertificate, overrides: [String: String]) throws -> PostfixInstance {
        let tls = PostfixInstance.tlsSettings(certificate)
        return try PostfixInstance(overrides: overrides.merging(tls.overrides) { mine, _ in mine }, files: tls.files)
    }

    /// The verdicts as comparable text: trick, outcome and the reply that decided it.
    private func verdicts(_ results: [RelayTrickResult]) -> [String] {
        results.map { "\($0.trick.number) \($0.outcome.rawValue) \($0.mailReply?.description ?? "-") \($0.rcptReply?.description ?? "-")" }
    }

    func testReportsTheCertificateAndTheSameVerdictsInsideTLS() throws {
        let certificate = try TestCertificate.make(commonName: "gateway.test.example",
                                                   dnsNames: ["gateway.test.example"], days: 45)
        let postfix = try postfix(certificate, overrides: [
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        ])
        defer { postfix.stop() }
        let report = try probe(port: postfix.port)

        guard case let .negotiated(info) = report.tls else { return XCTFail("\(report.tls)\n\(postfix.log())") }
        XCTAssertTrue(["TLSv1.2", "TLSv1.3"].contains(info.protocolVersion), info.protocolVersion)
        XCTAssertFalse(info.cipher.isEmpty)
        let cert = try XCTUnwrap(info.certificate)
        XCTAssertEqual(cert.subject, "CN=gateway.test.example, O=gatewayctl tests")
        XCTAssertEqual(cert.issuer, cert.subject, "self-signed")
        XCTAssertEqual(cert.subjectAltNames, ["gateway.test.example"])
        XCTAssertEqual(cert.notAfter, try Self.iso(certificate.opensslField("-enddate")))
        XCTAssertEqual(cert.notBefore, try Self.iso(certificate.opensslField("-startdate")))
        XCTAssertEqual(cert.verifyError, "self-signed certificate")
        XCTAssertFalse(cert.matchesHost, "the certificate names gateway.test.example, the probe asked 127.0.0.1")

        XCTAssertEqual(report.results.count, 18)
        XCTAssertEqual(report.tlsResults.count, 18)
        XCTAssertEqual(report.results.filter { $0.outcome == .refused }.count, 18, verdicts(report.results).joined(separator: "\n"))
        XCTAssertEqual(verdicts(report.tlsResults), verdicts(report.results))
        XCTAssertFalse(report.relayAccepted)
        // Postfix itself says the tricks came over TLS (smtpd_tls_loglevel = 1).
        XCTAssertTrue(postfix.log().contains("TLS connection established from localhost[127.0.0.1]"), postfix.log())
    }

    func testAnOpenRelayIsOpenInsideTLSToo() throws {
        let certificate = try TestCertificate.make(commonName: "relay.test.example")
        let postfix = try postfix(certificate, overrides: ["mynetworks": "0.0.0.0/0"])
        defer { postfix.stop() }
        let report = try probe(port: postfix.port)
        guard case .negotiated = report.tls else { return XCTFail("\(report.tls)\n\(postfix.log())") }
        XCTAssertTrue(report.tlsResults.contains { $0.outcome == .relayed })
        XCTAssertEqual(verdicts(report.tlsResults), verdicts(report.results))
    }

    func testNoSTARTTLSLeavesTheBatteryInClearText() throws {
        let certificate = try TestCertificate.make(commonName: "gateway.test.example")
        let postfix = try postfix(certificate, overrides: [:])
        defer { postfix.stop() }
        let report = try probe(port: postfix.port, starttls: false)
        XCTAssertEqual(report.tls, .skipped)
        XCTAssertEqual(report.tlsResults, [])
        XCTAssertEqual(report.results.count, 18)
        XCTAssertFalse(postfix.log().contains("TLS connection established"), postfix.log())
    }

    func testAPostfixWithoutTLSDoesNotOfferIt() throws {
        let postfix = try PostfixInstance()
        defer { postfix.stop() }
        let report = try probe(port: postfix.port)
        XCTAssertEqual(report.tls, .notOffered)
        XCTAssertEqual(report.tlsResults, [])
    }

    /// `Dec 29 12:00:00 2026 GMT` (openssl x509 -enddate, after the `=`) as ISO 8601 UTC.
    static func iso(_ field: String) throws -> String {
        let value = String(try XCTUnwrap(field.split(separator: "=", maxSplits: 1).last))
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "GMT")
        parser.dateFormat = "MMM d HH:mm:ss yyyy zzz"
        let date = try XCTUnwrap(parser.date(from: value.replacingOccurrences(of: "  ", with: " ")), value)
        let iso = ISO8601DateFormatter()
        iso.timeZone = TimeZone(identifier: "UTC")
        return iso.string(from: date)
    }
}
