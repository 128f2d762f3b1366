import ArgumentParser
import ConfigModel
import SMTPProbe
import Diagnostics

/// `gatewayctl probe HOST[:PORT]`: the live relay battery against a running server.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try 18 relay tricks against a live SMTP server (never sends DATA).",
        discussion: """
            Runs nmap's 16 smtp-open-relay tricks plus two seen in the wild, one connection and \
            one command at a time, RSET after each. A trick relays when RCPT gets a 2xx reply.
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

    @Option(help: ArgumentHelp("Seconds to wait for each reply; the whole run is bounded by 10 times this.",
                               valueName: "s"))
    var timeout: Double = 30

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
                                        commandTimeout: perCommand, totalTimeout: perCommand * 10)
        let report: RelayProbeReport
        do {
            report = try RelayProbe.run(options)
        } catch {
            Terminal.error("error: probe \(target): \(error)")
            throw InputFailure.exitCode
        }
        Terminal.write(format == .json ? Self.json(report).serialized(indent: 2) + "\n" : Self.text(report))
        if report.relayAccepted { throw ExitCode(1) }
        if report.results.allSatisfy({ $0.outcome == .failed }) { throw InputFailure.exitCode }
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

    static func text(_ report: RelayProbeReport) -> String {
        var out = "probe \(report.peer): \(report.greeting)\n"
        for result in report.results {
            let trick = result.trick
            out += "trick \(trick.number): \(result.outcome.rawValue): \(trick.mailCommand) \(trick.rcptCommand)"
            if result.outcome == .senderRefused, let mail = result.mailReply {
                out += " -> \(mail)"
            } else if let rcpt = result.rcptReply {
                out += " -> \(rcpt)"
            }
            if let error = result.error { out += " (\(error))" }
            out += "\n"
        }
        let relayed = report.results.filter { $0.outcome == .relayed }.count
        let failed = report.results.filter { $0.outcome == .failed }.count
        out += report.relayAccepted
            ? "open relay: \(relayed) of \(report.results.count) tricks accepted"
            : "no relay accepted: \(report.results.count - failed) of \(report.results.count) tricks refused"
        if failed > 0 { out += ", \(failed) inconclusive" }
        return out + "\n"
    }

    static func json(_ report: RelayProbeReport) -> JSONValue {
        func reply(_ r: SMTPReply?) -> JSONValue {
            guard let r else { return .null }
            return .object([("code", .int(r.code)), ("enhancedStatus", r.enhancedStatus.map(JSONValue.string) ?? .null),
                            ("text", .string(r.text))])
        }
        let tricks: [JSONValue] = report.results.map { result in
            .object([
                ("number", .int(result.trick.number)),
                ("mailFrom", .string(result.trick.mailPath)),
                ("rcptTo", .string(result.trick.rcptPath)),
                ("outcome", .string(result.outcome.rawValue)),
                ("mailReply", reply(result.mailReply)),
                ("rcptReply", reply(result.rcptReply)),
                ("error", result.error.map(JSONValue.string) ?? .null),
            ])
        }
        return .object([
            ("version", .int(1)),
            ("peer", .string(report.peer)),
            ("serverName", .string(report.target.serverName)),
            ("serverAddress", .string(report.target.serverAddress)),
            ("greeting", reply(report.greeting)),
            ("esmtp", .bool(report.esmtp)),
            ("relayAccepted", .bool(report.relayAccepted)),
            ("tricks", .array(tricks)),
        ])
    }
}
