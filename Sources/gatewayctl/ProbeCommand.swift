import ArgumentParser
import ConfigModel
import SMTPProbe
import Diagnostics

/// `gatewayctl probe HOST[:PORT]`: the live relay battery against a running server.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Try 18 relay tricks against a live SMTP server (never sends DATA).",
        discussion: """
            Runs nmap's 16 smtp-open-relay tricks plus two seen in the wild, one connection and \
            one command at a time, RSET after each. A trick relays when RCPT gets a 2xx reply. \
            When the server offers STARTTLS the battery runs a second time inside TLS (EHLO \
            again after the handshake), and the protocol, cipher and certificate are reported; \
            a failed negotiation is reported and leaves the clear-text results. Server text is \
            printed with control characters escaped (\\x1b).
            Exit status: 0 no relay accepted, 1 a relay was accepted, 2 the server could not be \
            reached or every trick failed, 64 usage error.
            """)

    @Argument(help: ArgumentHelp("Server to test.", valueName: "host[:port]"))
    var target: String

    @Option(help: "EHLO name to announce.")
    var helo = "probe.gatewayctl.example"

    @Option(help: ArgumentHelp("Sender for the `from@domain` trick (default relaytest@DOMAIN).", valueName: "addr"))
    var from: String?

    @Option(help: ArgumentHelp("Foreign domain the tricks try to relay to.", valueName: "dom"))
    var domain = "example.org"

    @Option(help: ArgumentHelp("""
        Seconds for each step (name resolution, connect, one command and its whole reply, the TLS \
        handshake); the whole run, resolution included, ends after 10 times this.
        """, valueName: "s"))
    var timeout: Double = 30

    @Flag(inversion: .prefixedNo, help: "Run the battery again inside TLS when the server offers STARTTLS (on by default; --no-starttls: clear text only).")
    var starttls = true

    @Option(help: "Output format: text or json.")
    var format: VerdictFormat = .text

    func validate() throws {
        guard Self.parseTarget(target) != nil else {
            throw ValidationError("`\(target)` is not host, host:port or [ipv6]:port")
        }
        for (name, value) in [("--helo", helo), ("--domain", domain), ("--from", from ?? "a@b")] {
            guard !value.isEmpty, value.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 && $0 != "<" && $0 != ">" })
            else { throw ValidationError("\(name) must be printable ASCII without spaces or angle brackets") }
        }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
    }

    func run() throws {
        guard let (host, port) = Self.parseTarget(target) else { throw ExitCode(64) }
        let perCommand = Duration.milliseconds(Int64(timeout * 1000))
        let options = RelayProbeOptions(host: host, port: port, helo: helo, domain: domain, sender: from,
                                        commandTimeout: perCommand, totalTimeout: perCommand * 10,
                                        starttls: starttls)
        let report: RelayProbeReport
        do {
            report = try RelayProbe.run(options)
        } catch {
            Terminal.error("error: probe \(target): " + PrintableText.escaped(String(describing: error)))
            throw InputFailure.exitCode
        }
        Terminal.write(format == .json ? Self.json(report).serialized(indent: 2) + "\n" : Self.text(report))
        if report.relayAccepted { throw ExitCode(1) }
        if (report.results + report.tlsResults).allSatisfy({ $0.outcome == .failed }) { throw InputFailure.exitCode }
    }

    /// `host`, `host:port`, `[v6]:port`, or a bare IPv6 address; port 25 by default.
    static func parseTarget(_ text: String) -> (String, UInt16)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return host.isEmpty ? nil : (host, 25) }
            guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()), port > 0, !host.isEmpty else { return nil }
            return (host, port)
        }
        let colons = text.filter { $0 == ":" }.count
        if colons > 1 { return (text, 25) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty,
              host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) else { return nil }
        if parts.count == 1 { return (String(host), 25) }
        guard let port = UInt16(parts[1]), port > 0 else { return nil }
        return (String(host), port)
    }

    /// One line per trick and a summary, for the clear-text battery and then the one inside
    /// TLS. Every line is escaped: server text never reaches the terminal raw.
    static func text(_ report: RelayProbeReport) -> String {
        var lines = ["probe \(report.peer): \(report.greeting)"]
        lines += tlsLines(report.tls)
        lines += trickLines(report.results, label: "")
        lines.append(summary(report.results))
        if !report.tlsResults.isEmpty {
            lines += trickLines(report.tlsResults, label: " (TLS)")
            lines.append("inside TLS: " + summary(report.tlsResults))
        }
        return lines.map { PrintableText.escaped($0) + "\n" }.joined()
    }

    static func tlsLines(_ outcome: TLSOutcome) -> [String] {
        switch outcome {
        case .skipped: return ["STARTTLS: not tried (--no-starttls)"]
        case .notOffered: return ["STARTTLS: not offered; the tricks ran in clear text only"]
        case let .failed(reason): return ["STARTTLS: failed (\(reason)); the tricks ran in clear text only"]
        case let .negotiated(info):
            var lines = ["STARTTLS: \(info.protocolVersion), cipher \(info.cipher)"]
            guard let cert = info.certificate else { return lines + ["certificate: none"] }
            lines.append("certificate: subject \(cert.subject); issuer \(cert.issuer)")
            lines.append("certificate: valid from \(cert.notBefore) to \(cert.notAfter)")
            if !cert.subjectAltNames.isEmpty {
                lines.append("certificate: names \(cert.subjectAltNames.joined(separator: ", "))")
            }
            lines.append("certificate: " + (cert.verifyError.map { "does not verify (\($0))" } ?? "verifies")
                         + (cert.matchesHost ? ", matches the host" : ", does not match the host")
                         + " (information only: not part of the relay verdict)")
            return lines
        }
    }

    static func trickLines(_ results: [RelayTrickResult], label: String) -> [String] {
        results.map { result in
            let trick = result.trick
            var out = "trick \(trick.number)\(label): \(result.outcome.rawValue): \(trick.mailCommand) \(trick.rcptCommand)"
            if result.outcome == .senderRefused, let mail = result.mailReply {
                out += " -> \(mail)"
            } else if let rcpt = result.rcptReply {
                out += " -> \(rcpt)"
            }
            if let error = result.error { out += " (\(error))" }
            return out
        }
    }

    static func summary(_ results: [RelayTrickResult]) -> String {
        let relayed = results.filter { $0.outcome == .relayed }.count
        let failed = results.filter { $0.outcome == .failed }.count
        var out = relayed > 0
            ? "open relay: \(relayed) of \(results.count) tricks accepted"
            : "no relay accepted: \(results.count - failed) of \(results.count) tricks refused"
        if failed > 0 { out += ", \(failed) inconclusive" }
        return out
    }

    static func json(_ report: RelayProbeReport) -> JSONValue {
        func reply(_ r: SMTPReply?) -> JSONValue {
            guard let r else { return .null }
            return .object([("code", .int(r.code)), ("enhancedStatus", r.enhancedStatus.map(JSONValue.string) ?? .null),
                            ("text", .string(r.text))])
        }
        func tricks(_ results: [RelayTrickResult]) -> JSONValue {
            .array(results.map { result in
                .object([
                    ("number", .int(result.trick.number)),
                    ("mailFrom", .string(result.trick.mailPath)),
                    ("rcptTo", .string(result.trick.rcptPath)),
                    ("outcome", .string(result.outcome.rawValue)),
                    ("mailReply", reply(result.mailReply)),
                    ("rcptReply", reply(result.rcptReply)),
                    ("error", result.error.map(JSONValue.string) ?? .null),
                ])
            })
        }
        return .object([
            ("version", .int(1)),
            ("peer", .string(report.peer)),
            ("serverName", .string(report.target.serverName)),
            ("serverAddress", .string(report.target.serverAddress)),
            ("greeting", reply(report.greeting)),
            ("esmtp", .bool(report.esmtp)),
            ("relayAccepted", .bool(report.relayAccepted)),
            ("tricks", tricks(report.results)),
            ("tls", tlsJSON(report.tls, tricks: tricks(report.tlsResults))),
        ])
    }

    /// `status` is negotiated, not-offered, skipped or failed; the rest is null unless it applies.
    static func tlsJSON(_ outcome: TLSOutcome, tricks: JSONValue) -> JSONValue {
        var status = "negotiated", error: String?, info: TLSInfo?
        switch outcome {
        case .skipped: status = "skipped"
        case .notOffered: status = "not-offered"
        case let .failed(reason): status = "failed"; error = reason
        case let .negotiated(negotiated): info = negotiated
        }
        let certificate: JSONValue = info?.certificate.map { cert in
            .object([
                ("subject", .string(cert.subject)),
                ("issuer", .string(cert.issuer)),
                ("notBefore", .string(cert.notBefore)),
                ("notAfter", .string(cert.notAfter)),
                ("subjectAltNames", .array(cert.subjectAltNames.map(JSONValue.string))),
                ("verifies", .bool(cert.verifies)),
                ("verifyError", cert.verifyError.map(JSONValue.string) ?? .null),
                ("matchesHost", .bool(cert.matchesHost)),
            ])
        } ?? .null
        return .object([
            ("status", .string(status)),
            ("error", error.map(JSONValue.string) ?? .null),
            ("protocol", info.map { .string($0.protocolVersion) } ?? .null),
            ("cipher", info.map { .string($0.cipher) } ?? .null),
            ("certificate", certificate),
            ("tricks", tricks),
        ])
    }
}
