import ConfigModel
import Simulate
import Foundation
import SMTPProbe
import TestSupport
import XCTest

/// Runs transactions against a real Postfix built from a `DifferentialConfig` and against the
/// simulator reading the very same files, and fails on the first differing reply.
extension XCTestCase {
    /// Returns Postfix's replies, so a test can check which paths the matrix reached.
    @discardableResult
    func compareWithPostfix(_ config: DifferentialConfig, transactions: [Transaction]? = nil, namespace: NetworkNamespace? = nil,
                 dns: DNSFixture? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> [SMTPReply] {
        var mainCF = config.mainCF
        var postgrey: TestDaemon?
        defer { postgrey?.stop() }
        var endpoint = ""
        if mainCF.contains(DifferentialConfigs.postgreyPlaceholder) {
            let daemon = try TestSupport.startPostgrey()
            postgrey = daemon
            endpoint = "inet:127.0.0.1:\(daemon.port)"
            mainCF = mainCF.replacingOccurrences(of: DifferentialConfigs.postgreyPlaceholder, with: endpoint)
        }
        let postfix = try PostfixInstance(mainCF: mainCF, masterCF: config.masterCF, files: config.files,
                                          hashMaps: config.hashMaps, configDirectoryAlias: config.alias,
                                          namespace: namespace)
        defer { postfix.stop() }

        var input = try SimulationInput.load(postfixDirectory: postfix.configDirectory.path)
        if !endpoint.isEmpty { input.postgreyEndpoints.insert(endpoint) }
        let simulator = Simulator(context: input.context(dns: dns))
        var mismatches: [String] = []
        let transactions = transactions ?? DifferentialTests.matrix(ownDomain: config.ownDomain)
        var compared = 0
        var replies: [SMTPReply] = []
        for transaction in transactions {
            let predicted = simulator.simulate(transaction)
            XCTAssertEqual(predicted.verdicts.flatMap(\.notEvaluated).map(\.restriction), [],
                           "\(config.name): everything must be evaluated", file: file, line: line)
            let actual = try run(transaction, on: postfix)
            replies += actual
            for (index, reply) in actual.enumerated() {
                compared += 1
                guard index < predicted.verdicts.count else {
                    mismatches.append("\(describe(transaction)): postfix said more than predicted: \(reply)")
                    continue
                }
                let verdict = predicted.verdicts[index]
                let same = verdict.reply.code == reply.code && verdict.reply.enhancedStatus == (reply.enhancedStatus ?? "")
                    && verdict.reply.text == reply.text
                if !same {
                    mismatches.append("\(describe(transaction)) \(verdict.command) <\(verdict.recipient)>\n"
                                      + "    postfix:   \(reply)\n    predicted: \(verdict.reply)")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(compared, transactions.count, file: file, line: line)
        XCTAssertEqual(mismatches.count, 0, "\(config.name): \(mismatches.count) of \(compared) replies differ:\n"
                       + mismatches.prefix(25).joined(separator: "\n"), file: file, line: line)
        return replies
    }

    /// The transaction against the real Postfix: one connection, XCLIENT, EHLO, MAIL, each
    /// RCPT. Returns the MAIL reply when MAIL fails, else one reply per RCPT.
    /// With smtpd_delay_reject = no a rejected client gets its reply already to XCLIENT (and to
    /// every later command): then MAIL is sent anyway and its reply compared.
    func run(_ t: Transaction, on postfix: PostfixInstance) throws -> [SMTPReply] {
        let smtp = try postfix.connect()
        defer { smtp.quit() }
        _ = try smtp.ehlo("harness.test.example")
        let xclient = try smtp.xclient(name: t.clientName ?? "[UNAVAILABLE]", addr: t.clientAddress)
        if xclient.code != 220 { return [try smtp.mail(from: t.sender)] }
        if let helo = t.helo { _ = try smtp.ehlo(helo) }
        let mail = try smtp.mail(from: t.sender)
        guard mail.code == 250 else { return [mail] }
        return try t.recipients.map { try smtp.rcpt(to: $0) }
    }

    func describe(_ t: Transaction) -> String {
        "[\(t.namaddr) helo=\(t.helo ?? "-") from=<\(t.sender)> to=\(t.recipients.joined(separator: ","))]"
    }
}
