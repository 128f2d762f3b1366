import ConfigModel
import PostfixConfig
import Simulate
import Lint
import Foundation
import SMTPProbe
import TestSupport
import XCTest

/// The randomised differential of issue 12: `RandomConfigGenerator`'s configurations run on a
/// real Postfix 3.7 (in a network namespace whose DNS is a dnsmasq serving the generator's
/// fixture) and in gatewayctl, comparing
/// - the open-relay verdict: lint's GW2001 errors against whether any outsider (every HELO,
///   sender and recipient form the tables suggest) relays on the real Postfix, and each
///   error's own `gatewayctl simulate` transaction replayed on Postfix;
/// - simulate's replies, exactly, on every generated transaction.
/// Bounded here (`GATEWAYCTL_DIFF_CONFIGS`, default 24; seed `GATEWAYCTL_DIFF_SEED`, default
/// 12); `scripts/differential.sh` runs the long version and prints the figures.
final class RandomDifferentialTests: XCTestCase {
    struct Tally {
        var configs = 0, transactions = 0, replies = 0, evaluated = 0, exact = 0, notEvaluated = 0
        var relayOpenBoth = 0, relayClosedBoth = 0
        var falseErrors: [String] = [], missed: [String] = [], claimsNotReproduced: [String] = []
        var mismatches: [String] = []
        var noService = 0
        /// Configurations whose client list rejects the harness's own connection (untestable).
        var harnessRejected: [String] = []
        /// Not-evaluated replies by the restriction that was not evaluated.
        var notEvaluatedBy: [String: Int] = [:]

        var summary: String {
            let pct = { (a: Int, b: Int) in b == 0 ? "-" : String(format: "%.2f%%", 100 * Double(a) / Double(b)) }
            return """
                configurations: \(configs) (smtpd without service: \(noService); untestable, the harness's own connection refused: \(harnessRejected.count))
                open-relay: open on both \(relayOpenBoth), closed on both \(relayClosedBoth), false errors \(falseErrors.count), missed relays \(missed.count), claimed relays not reproduced \(claimsNotReproduced.count)
                simulate: \(replies) replies in \(transactions) transactions; evaluated \(evaluated) (\(pct(evaluated, replies))), exact \(exact) of \(evaluated) (\(pct(exact, evaluated))), not evaluated \(notEvaluated) (\(pct(notEvaluated, replies)))
                not evaluated by restriction: \(notEvaluatedBy.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                """
        }
    }

    func testRandomConfigurationsAgreeWithPostfix() throws {
        let env = ProcessInfo.processInfo.environment
        let count = Int(env["GATEWAYCTL_DIFF_CONFIGS"] ?? "") ?? 24
        let seed = UInt64(env["GATEWAYCTL_DIFF_SEED"] ?? "") ?? 12
        let (fixture, problems) = DNSFixture.parse(RandomConfigGenerator.dnsFixture, file: "fixture")
        XCTAssertEqual(problems.count, 0)
        let namespace = try NetworkNamespace()
        defer { namespace.stop() }
        let dns = try DNSServer(in: namespace, records: DNSDifferentialTests.dnsmasqRecords(fixture))
        defer { dns.stop() }

        var generator = RandomConfigGenerator(seed: seed)
        var tally = Tally()
        for index in 0..<count {
            let generated = generator.generate(index: index)
            if let only = env["GATEWAYCTL_DIFF_ONLY"], only != String(index) { continue }
            try runOne(generated, namespace: namespace, fixture: fixture, into: &tally)
        }
        let report = tally.summary + "\n" + (tally.falseErrors + tally.missed + tally.claimsNotReproduced).joined(separator: "\n")
            + "\nmismatches:\n" + tally.mismatches.prefix(60).joined(separator: "\n")
        print(report)
        if let out = env["GATEWAYCTL_DIFF_REPORT"] { try? report.write(toFile: out, atomically: true, encoding: .utf8) }
        XCTAssertGreaterThanOrEqual(tally.configs, env["GATEWAYCTL_DIFF_ONLY"] == nil ? count : 1)
        XCTAssertEqual(tally.falseErrors, [], "lint called an open relay that no outsider could use")
        XCTAssertEqual(tally.missed, [], "an outsider relayed on Postfix and lint said nothing")
        XCTAssertEqual(tally.claimsNotReproduced, [], "a finding's simulate transaction did not relay on Postfix")
        XCTAssertGreaterThanOrEqual(Double(tally.exact), 0.995 * Double(tally.evaluated), "simulate exactness:\n\(report)")
        XCTAssertLessThan(Double(tally.notEvaluated), 0.05 * Double(tally.replies), "not evaluated:\n\(report)")
    }

    /// One reply or a closed connection (a crashed or absent smtpd).
    enum Outcome: Equatable {
        case reply(code: Int, text: String)
        case noService
    }

    func outcomes(_ t: Transaction, on postfix: PostfixInstance) -> [Outcome] {
        do {
            return try run(t, on: postfix).map { .reply(code: $0.code, text: $0.description) }
        } catch {
            return [.noService]
        }
    }

    func predicted(_ verdict: RecipientVerdict) -> Outcome {
        verdict.reply.code == 421 && verdict.reply.text.contains("smtpd") ? .noService
            : .reply(code: verdict.reply.code, text: verdict.reply.description)
    }

    private func runOne(_ g: RandomConfigGenerator.Generated, namespace: NetworkNamespace, fixture: DNSFixture,
                        into tally: inout Tally) throws {
        let postfix = try PostfixInstance(mainCF: g.config.mainCF, masterCF: g.config.masterCF, files: g.config.files,
                                          hashMaps: g.config.hashMaps, namespace: namespace)
        defer { postfix.stop() }
        tally.configs += 1
        let input = try SimulationInput.load(postfixDirectory: postfix.configDirectory.path)
        let simulator = Simulator(context: input.context(dns: fixture))

        // A configuration whose smtpd does not start: one short probe decides for all.
        if let first = g.transactions.first, predicted(simulator.simulate(first).verdicts[0]) == .noService {
            tally.noService += 1
            let served = (try? postfix.connect(timeout: .seconds(3))) != nil
            tally.transactions += g.transactions.count
            tally.replies += g.transactions.count
            tally.evaluated += g.transactions.count
            if served { tally.mismatches.append("\(g.config.name): predicted no service, Postfix answers") }
            else { tally.exact += g.transactions.count }
            return
        }

        // The harness itself connects from 127.0.0.1 before XCLIENT: a client list that
        // rejects it (a `0.0.0.0/0 REJECT` with smtpd_delay_reject = no) leaves nothing to test.
        var harnessServed = false
        if let smtp = try? postfix.connect(timeout: .seconds(5)) {
            harnessServed = (try? smtp.ehlo("harness.test.example"))?.code == 250
            smtp.quit()
        }
        guard harnessServed else {
            tally.harnessRejected.append(g.config.name)
            return
        }

        for t in g.transactions {
            let result = simulator.simulate(t)
            let actual = outcomes(t, on: postfix)
            tally.transactions += 1
            for (i, outcome) in actual.enumerated() {
                tally.replies += 1
                guard i < result.verdicts.count else {
                    tally.mismatches.append("\(g.config.name) \(describe(t)): Postfix said more: \(outcome)")
                    continue
                }
                let v = result.verdicts[i]
                if !v.notEvaluated.isEmpty {
                    tally.notEvaluated += 1
                    for n in Set(v.notEvaluated.map { $0.restriction.split(separator: " ").first.map(String.init) ?? "" }) {
                        tally.notEvaluatedBy[n, default: 0] += 1
                    }
                    continue
                }
                tally.evaluated += 1
                if predicted(v) == outcome { tally.exact += 1 } else {
                    tally.mismatches.append("\(g.config.name) \(describe(t)) \(v.command) <\(v.recipient)>\n    postfix:   \(outcome)\n    predicted: \(v.reply)")
                }
            }
        }

        // Open relay: lint's errors against the outsiders' attempts on Postfix.
        let config = try PostfixConfigSet.load(directory: postfix.configDirectory.path, version: PostfixVersion(3, 7))
        let findings = PostfixLinter.lint(config).filter { $0.id == "GW2001" && $0.severity == .error }
        let claimed = findings.compactMap { d in d.notes.lazy.compactMap { Self.transaction(fromNote: $0.message) }.first }
        for t in claimed where !relays(t, on: postfix, discard: g.usesDiscard) {
            tally.claimsNotReproduced.append("\(g.config.name): \(describe(t)) does not relay on Postfix")
        }
        var relayed: Transaction?
        search: for helo in g.attackHelos {
            for sender in g.attackSenders {
                for rcpt in g.attackRecipients {
                    let t = Transaction(clientAddress: "198.51.100.7", helo: helo, sender: sender, recipients: [rcpt])
                    if relays(t, on: postfix, discard: g.usesDiscard) { relayed = t; break search }
                }
            }
        }
        let lintOpen = !findings.isEmpty
        if env("GATEWAYCTL_DIFF_VERBOSE") != nil {
            print("== \(g.config.name): lint \(lintOpen ? "open" : "closed"), postfix \(relayed.map(describe) ?? "closed")\n\(g.config.mainCF)\(g.config.files)")
        }
        switch (lintOpen, relayed) {
        case (true, .some): tally.relayOpenBoth += 1
        case (false, nil): tally.relayClosedBoth += 1
        case (true, nil) where claimed.isEmpty || !claimed.allSatisfy({ relays($0, on: postfix, discard: g.usesDiscard) }):
            tally.falseErrors.append("\(g.config.name): lint says open (\(findings.map(\.message))), no outsider relays\n\(g.config.mainCF)\(g.config.files)")
        case (true, nil): tally.relayOpenBoth += 1   // lint's own transaction relays: our attack set missed it
        case (false, .some(let t)):
            tally.missed.append("\(g.config.name): \(describe(t)) relays on Postfix, lint says nothing\n\(g.config.mainCF)\(g.config.files)")
        }
    }

    func env(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }

    /// The RCPT is accepted and not discarded.
    func relays(_ t: Transaction, on postfix: PostfixInstance, discard: Bool) -> Bool {
        let before = discard ? postfix.log().components(separatedBy: ": discard: ").count : 0
        let replies = outcomes(t, on: postfix)
        guard case .reply(let code, _)? = replies.last, (200..<300).contains(code), replies.count == t.recipients.count else { return false }
        guard discard else { return true }
        // smtpd logs the DISCARD action; wait until this session's disconnect is logged.
        for _ in 0..<40 {
            let log = postfix.log()
            if log.components(separatedBy: ": discard: ").count > before { return false }
            usleep(25_000)
        }
        return true
    }

    /// `relays: \`gatewayctl simulate --postfix DIR --client-address ... --to R\` answers ...`.
    static func transaction(fromNote note: String) -> Transaction? {
        guard let start = note.range(of: "`gatewayctl simulate "), let end = note[start.upperBound...].firstIndex(of: "`") else { return nil }
        let words = shellWords(String(note[start.upperBound..<end]))
        var t = Transaction(clientAddress: "", helo: nil, sender: "", recipients: [])
        var i = 0
        while i < words.count {
            let w = words[i], next = i + 1 < words.count ? words[i + 1] : ""
            switch w {
            case "--client-address": t.clientAddress = next; i += 2
            case "--client-name": t.clientName = next; i += 2
            case "--helo": t.helo = next; i += 2
            case "--from": t.sender = next == "<>" ? "" : next; i += 2
            case "--to": t.recipients.append(next); i += 2
            case "--postfix": i += 2
            default: i += 1
            }
        }
        return t.clientAddress.isEmpty ? nil : t
    }

    static func shellWords(_ s: String) -> [String] {
        var words: [String] = [], current = "", inQuote = false, any = false
        for c in s {
            if inQuote { if c == "'" { inQuote = false } else { current.append(c) }; continue }
            if c == "'" { inQuote = true; any = true; continue }
            if c == " " { if any || !current.isEmpty { words.append(current) }; current = ""; any = false; continue }
            if c == "\\" { continue }
            current.append(c)
        }
        if any || !current.isEmpty { words.append(current) }
        return words
    }
}
