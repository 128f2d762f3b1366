import ArgumentParser
import FileLayer
import ConfigModel
import FoundationEssentials
import Diagnostics
import Simulate
import Lint

/// `gatewayctl simulate`: predict smtpd's reply to a transaction, with the trace.
/// A new option or flag must also go into `FastArguments` (FastArgumentsTests fails until it does).
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Predict Postfix's reply to one SMTP transaction (or a batch), with a trace.",
        discussion: """
            Evaluates the smtp service's effective restriction lists as smtpd does. CONFIG is a \
            gateway.conf (emitted in memory); --postfix DIR reads main.cf/master.cf and the maps there.
            DNS checks use --dns FIXTURE (lines `name A|AAAA|MX|TXT value`, `zone LISTED ip [answer]`, \
            `policy ENDPOINT action`); without it they are reported as not evaluated, with the other reply.
            postgrey (endpoint port 10023, or [greylisting] listen) greylists a new triplet (450 4.2.0) \
            unless --greylist-known; policyd-weight is not evaluated unless the fixture gives its action.
            When postscreen answers port 25 (master.cf), its verdict comes first: access list, pre-greet \
            (--talks-first), weighted DNS lists; a client it refuses never reaches smtpd.
            Batch: --batch FILE holds one transaction per line (client=IP name=N helo=H from=A to=A[,A] \
            sasl=U greylist=known pregreet=yes) and prints one verdict per line.
            Exit status: 0 accepted, 1 rejected (any 5xx), 3 deferred (any 4xx, none 5xx); in batch \
            mode 0 when every line was evaluated. 2 unreadable input, 64 usage error.
            """)

    @Argument(help: "A gateway.conf to simulate (default ./gateway.conf unless --postfix).")
    var config: String?

    @Option(help: ArgumentHelp("A Postfix configuration directory (main.cf, master.cf, maps).", valueName: "dir"))
    var postfix: String?

    @Option(help: ArgumentHelp("The client's IP address.", valueName: "ip"))
    var clientAddress: String?

    @Option(help: ArgumentHelp("The client's verified host name (default: none, `unknown`).", valueName: "name"))
    var clientName: String?

    @Option(help: ArgumentHelp("The HELO/EHLO argument.", valueName: "name"))
    var helo: String?

    @Flag(help: "The client sends no HELO/EHLO.")
    var noHelo = false

    @Option(help: ArgumentHelp("Envelope sender; `<>` or \"\" for the null sender.", valueName: "addr"))
    var from: String?

    @Option(help: ArgumentHelp("Envelope recipient (repeat for more).", valueName: "addr"))
    var to: [String] = []

    @Option(help: ArgumentHelp("The client authenticated with SASL as this user.", valueName: "user"))
    var saslUser: String?

    @Option(help: ArgumentHelp("DNS and policy answers.", valueName: "fixture"))
    var dns: String?

    @Flag(help: "postgrey has seen this triplet before (no greylisting).")
    var greylistKnown = false

    @Flag(help: "The client talks before the greeting ends (postscreen's pre-greet test).")
    var talksFirst = false

    @Option(help: ArgumentHelp("Transactions, one per line.", valueName: "file"))
    var batch: String?

    @Option(help: "Output format: text or json.")
    var format: VerdictFormat = .text

    func validate() throws {
        if config != nil && postfix != nil { throw ValidationError("give CONFIG or --postfix DIR, not both") }
        if batch != nil { return }
        guard let clientAddress, IPAddress(clientAddress) != nil else {
            throw ValidationError("--client-address IP is required and must be an IPv4 or IPv6 address")
        }
        guard from != nil else { throw ValidationError("--from ADDR is required (`<>` for the null sender)") }
        guard !to.isEmpty else { throw ValidationError("--to ADDR is required") }
        if noHelo && helo != nil { throw ValidationError("--helo and --no-helo exclude each other") }
        if !noHelo && helo == nil { throw ValidationError("--helo NAME is required (or --no-helo)") }
        for value in [clientName, helo, from, saslUser].compactMap({ $0 }) + to where value.contains(where: \.isNewline) {
            throw ValidationError("values must be single-line: `\(value.debugDescription)`")
        }
    }

    func run() throws {
        let input: SimulationInput
        do {
            if let postfix {
                input = try SimulationInput.load(postfixDirectory: postfix)
            } else {
                input = try SimulationInput.load(gatewayConf: config ?? "gateway.conf")
            }
        } catch let SimulationInput.LoadError.invalid(diagnostics) {
            Terminal.write(Reporter.render(diagnostics, format: .text, options: ReportOptions(
                color: Terminal.colorEnabled(fd: 1), toolVersion: GatewayCtl.version, rules: RuleRegistry.descriptions)))
            throw InputFailure.exitCode
        } catch {
            Terminal.error("error: \(error)")
            throw InputFailure.exitCode
        }
        var fixture: DNSFixture?
        if let dns {
            let text: String
            do { text = String(decoding: try FileLayer.read(dns), as: UTF8.self) } catch {
                Terminal.error("error: \(error)")
                throw InputFailure.exitCode
            }
            let (parsed, diagnostics) = DNSFixture.parse(text, file: dns)
            if !diagnostics.isEmpty {
                Terminal.write(Reporter.render(diagnostics, format: .text, options: ReportOptions(
                    color: false, toolVersion: GatewayCtl.version, rules: RuleRegistry.descriptions)))
                throw InputFailure.exitCode
            }
            fixture = parsed
        }
        let simulator = Simulator(context: input.context(dns: fixture))
        if let batch { return try runBatch(batch, simulator) }

        let sender = from == "<>" ? "" : (from ?? "")
        let transaction = Transaction(clientAddress: clientAddress ?? "", clientName: clientName,
                                      helo: noHelo ? nil : helo, sender: sender, recipients: to,
                                      saslUser: saslUser, greylistKnown: greylistKnown, talksFirst: talksFirst)
        let result = simulator.simulate(transaction)
        Terminal.write(format == .json ? SimulationRendering.json(result).serialized(indent: 2) + "\n"
                                       : SimulationRendering.text(result))
        let status = result.outcome.exitStatus
        if status != 0 { throw ExitCode(status) }
    }

    private func runBatch(_ path: String, _ simulator: Simulator) throws {
        let text: String
        do { text = String(decoding: try FileLayer.read(path), as: UTF8.self) } catch {
            Terminal.error("error: \(error)")
            throw InputFailure.exitCode
        }
        let (lines, diagnostics) = BatchFile.parse(text, file: path)
        var out = ""
        for line in lines {
            let result = simulator.simulate(line.transaction)
            out += format == .json
                ? SimulationRendering.json(result, line: line.number).serialized() + "\n"
                : SimulationRendering.line(result, number: line.number) + "\n"
        }
        Terminal.write(out)
        if !diagnostics.isEmpty {
            Terminal.error(Reporter.render(diagnostics, format: .text, options: ReportOptions(
                color: false, toolVersion: GatewayCtl.version, rules: RuleRegistry.descriptions)))
            throw ExitCode(1)
        }
    }
}
