/// How `RelayProbe` talks to the server under test.
public struct RelayProbeOptions: Sendable {
    public var host: String
    public var port: UInt16
    /// EHLO argument.
    public var helo: String
    /// The foreign domain the tricks try to relay to.
    public var domain: String
    /// Sender for trick 2; `relaytest@DOMAIN` when nil.
    public var sender: String?
    /// Longest wait for one step: name resolution, a connect, one command and its whole reply,
    /// the TLS handshake.
    public var commandTimeout: Duration
    /// The whole run (resolution, both batteries, reconnects) ends by then.
    public var totalTimeout: Duration
    /// Run the battery a second time inside TLS when the server offers STARTTLS.
    public var starttls: Bool

    public init(host: String, port: UInt16 = 25, helo: String = "probe.gatewayctl.example",
                domain: String = "example.org", sender: String? = nil,
                commandTimeout: Duration = .seconds(30), totalTimeout: Duration = .seconds(300),
                starttls: Bool = true) {
        self.host = host
        self.port = port
        self.helo = helo
        self.domain = domain
        self.sender = sender
        self.commandTimeout = commandTimeout
        self.totalTimeout = totalTimeout
        self.starttls = starttls
    }
}

/// What one trick got.
public struct RelayTrickResult: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        /// RCPT answered 2xx: the server would relay.
        case relayed
        /// RCPT refused (4xx/5xx).
        case refused
        /// MAIL refused, so RCPT was not tried.
        case senderRefused = "sender-refused"
        /// Timeout, closed connection or garbage: nothing can be concluded.
        case failed
    }

    public var trick: RelayTrick
    public var mailReply: SMTPReply?
    public var rcptReply: SMTPReply?
    public var outcome: Outcome
    public var error: String?
}

/// The whole battery's result.
public struct RelayProbeReport: Sendable, Equatable {
    public var peer: String
    public var target: RelayTarget
    public var greeting: SMTPReply
    public var esmtp: Bool
    /// The battery in clear text.
    public var results: [RelayTrickResult]
    /// What became of STARTTLS.
    public var tls: TLSOutcome
    /// The battery again inside TLS (after STARTTLS and a second EHLO); empty unless negotiated.
    public var tlsResults: [RelayTrickResult]

    /// True when at least one trick's RCPT was accepted, in clear text or inside TLS.
    public var relayAccepted: Bool { (results + tlsResults).contains { $0.outcome == .relayed } }
}

/// Runs the relay battery (`RelayTrick.battery`) against a live server: one connection at a
/// time, one command at a time, RSET after every trick, never DATA. A connection that breaks
/// (421, timeout, hang-up) is reopened once per trick; the deadline bounds everything.
public enum RelayProbe {
    public static func run(_ options: RelayProbeOptions) throws -> RelayProbeReport {
        let deadline = ContinuousClock.now + options.totalTimeout
        // Resolved once, within the step timeout and the deadline; reconnects reuse the addresses.
        let addresses = try Resolver.resolve(host: options.host, port: options.port,
                                             timeout: min(options.commandTimeout, deadline - ContinuousClock.now))
        let open = { (tls: Bool) in try Session.open(options, addresses: addresses, tls: tls, deadline: deadline) }

        let session = try open(false)
        let name = isAddressLiteral(options.host) ? session.serverName ?? options.host : options.host
        let target = RelayTarget(serverName: name, serverAddress: session.connection.peerAddress,
                                 domain: options.domain, sender: options.sender)
        let greeting = session.greeting, esmtp = session.esmtp, offered = session.offersSTARTTLS
        let peer = session.connection.peer
        let results = battery(for: target, first: session, deadline: deadline) { try open(false) }

        var tls = TLSOutcome.skipped
        var tlsResults: [RelayTrickResult] = []
        if !options.starttls {
            tls = .skipped
        } else if !offered {
            tls = .notOffered
        } else {
            do {
                let secure = try open(true)
                tls = secure.tls
                tlsResults = battery(for: target, first: secure, deadline: deadline) { try open(true) }
            } catch {
                tls = .failed(String(describing: error))
            }
        }
        return RelayProbeReport(peer: peer, target: target, greeting: greeting, esmtp: esmtp, results: results,
                                tls: tls, tlsResults: tlsResults)
    }

    /// Every trick on `first`, reopening the session (with `reopen`) once per trick that breaks it.
    private static func battery(for target: RelayTarget, first: Session, deadline: ContinuousClock.Instant,
                                reopen: () throws -> Session) -> [RelayTrickResult] {
        var session = first
        var results: [RelayTrickResult] = []
        for trick in RelayTrick.battery(for: target) {
            var result = attempt(trick, on: session.connection)
            if result.outcome == .failed, ContinuousClock.now < deadline, let fresh = try? reopen() {
                session.connection.close()
                session = fresh
                result = attempt(trick, on: session.connection)
            }
            results.append(result)
        }
        session.connection.quit()
        return results
    }

    private static func attempt(_ trick: RelayTrick, on connection: SMTPConnection) -> RelayTrickResult {
        var result = RelayTrickResult(trick: trick, outcome: .failed)
        do {
            let mail = try connection.command(trick.mailCommand)
            result.mailReply = mail
            if mail.code == 421 { return result }
            if !(200..<300).contains(mail.code) {
                result.outcome = .senderRefused
            } else {
                let rcpt = try connection.command(trick.rcptCommand)
                result.rcptReply = rcpt
                if rcpt.code == 421 { return result }
                result.outcome = (200..<300).contains(rcpt.code) ? .relayed : .refused
            }
            let rset = try connection.rset()
            if rset.code == 421 { result.error = "server closed the session after this trick" }
        } catch {
            result.error = String(describing: error)
            if result.outcome != .failed { return result }
        }
        return result
    }

    private struct Session {
        var connection: SMTPConnection
        var greeting: SMTPReply
        var esmtp: Bool
        /// The first word of the greeting, when it looks like a host name.
        var serverName: String?
        /// The (last) EHLO reply lists STARTTLS.
        var offersSTARTTLS: Bool
        var tls: TLSOutcome

        /// Connect, greeting, EHLO; with `tls`, STARTTLS, the handshake and EHLO again (RFC 3207:
        /// the client forgets what it learnt before TLS). Any failure of the TLS part throws.
        static func open(_ options: RelayProbeOptions, addresses: [SocketAddress], tls: Bool,
                         deadline: ContinuousClock.Instant) throws -> Session {
            let connection = try SMTPConnection(host: options.host, port: options.port, addresses: addresses,
                                                commandTimeout: options.commandTimeout, deadline: deadline)
            let greeting = try connection.readReply()
            guard greeting.code == 220 else { throw SMTPError.refused(greeting) }
            var (hello, esmtp) = try connection.greet(as: options.helo)
            guard (200..<300).contains(hello.code) else { throw SMTPError.refused(hello) }
            let word = greeting.lines.first?.split(separator: " ").first.map(String.init)
            let name = word.flatMap { $0.contains(".") && !isAddressLiteral($0) ? $0 : nil }
            var session = Session(connection: connection, greeting: greeting, esmtp: esmtp, serverName: name,
                                  offersSTARTTLS: esmtp && offersSTARTTLS(hello), tls: .skipped)
            guard tls else { return session }
            guard session.offersSTARTTLS else { throw SMTPError.tls("STARTTLS no longer offered") }
            let reply = try connection.command("STARTTLS")
            guard reply.code == 220 else { throw SMTPError.tls("STARTTLS answered `\(reply)`") }
            session.tls = .negotiated(try connection.startTLS(host: options.host))
            (hello, esmtp) = try connection.greet(as: options.helo)
            guard (200..<300).contains(hello.code) else { throw SMTPError.refused(hello) }
            session.offersSTARTTLS = false
            return session
        }

        static func offersSTARTTLS(_ ehlo: SMTPReply) -> Bool {
            ehlo.lines.dropFirst().contains { $0.split(separator: " ").first?.uppercased() == "STARTTLS" }
        }
    }

    static func isAddressLiteral(_ host: String) -> Bool {
        host.contains(":") || (!host.isEmpty && host.allSatisfy { $0 == "." || $0.isASCIIDigit })
    }
}
