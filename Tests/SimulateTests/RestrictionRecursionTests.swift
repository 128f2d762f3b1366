import ConfigModel
import PostfixConfig
import Simulate
import Lint
import Foundation
import TestSupport
import XCTest

/// Issue 10 items 7 and 8: restriction classes that reach themselves. Postfix 3.7 crashes on a
/// class-only loop (checked below on the real smtpd) and answers 451 4.3.5 after 100 levels of
/// a loop through an access table; simulate predicts both without overflowing its own stack,
/// and lint reports them (GW2006) without exploring every path.
final class RestrictionRecursionTests: XCTestCase {
    private func simulator(_ main: String, maps: [String: String] = [:]) -> Simulator {
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: main))
        return Simulator(context: SimulationContext(parameters: config.parameters(for: nil),
                                                    tables: FileTableProvider(memory: maps)))
    }

    private func tx(from: String = "a@example.net", to: String) -> Transaction {
        Transaction(clientAddress: "198.51.100.7", helo: "mx.example.net", sender: from, recipients: [to])
    }

    private static let base = "compatibility_level = 3.6\nmyhostname = mx.test.example\nmydestination = $myhostname\n"

    func testClassLoopBeforeTheGuardIsAStartUpCrash() throws {
        let sim = simulator(Self.base + "smtpd_restriction_classes = loop\nloop = loop\nsmtpd_recipient_restrictions = loop, reject_unauth_destination\n")
        let verdict = try XCTUnwrap(sim.simulate(tx(to: "x@remote.example")).verdicts.first)
        XCTAssertEqual(verdict.reply.code, 421)
        XCTAssertTrue(verdict.reply.text.contains("crashes at start-up"), verdict.reply.text)
    }

    func testClassLoopAfterTheGuardCrashesAtTheRecipient() throws {
        let sim = simulator(Self.base + "smtpd_restriction_classes = loop\nloop = loop\nsmtpd_recipient_restrictions = reject_unauth_destination, loop\n")
        let result = sim.simulate(Transaction(clientAddress: "198.51.100.7", helo: "mx.example.net", sender: "a@example.net",
                                              recipients: ["x@remote.example", "postmaster@mx.test.example", "abuse@mx.test.example"]))
        XCTAssertEqual(result.verdicts.map(\.reply.code), [454, 421], "no reply after the crash")
        XCTAssertTrue(result.verdicts[1].reply.text.contains("SIGSEGV"))
    }

    func testLoopThroughAnAccessTableIsAServerConfigurationError() throws {
        let main = Self.base + """
            smtpd_restriction_classes = cls1
            cls1 = $smtpd_recipient_restrictions
            smtpd_recipient_restrictions = check_sender_access texthash:/etc/postfix/m0,
                check_sender_access texthash:/etc/postfix/m0, reject_unauth_destination

            """
        // texthash is read like hash by the simulator's provider only through `hash:`; use hash.
        let sim = simulator(main.replacingOccurrences(of: "texthash:", with: "hash:"), maps: ["/etc/postfix/m0": "x cls1\n"])
        let hit = try XCTUnwrap(sim.simulate(tx(from: "a@x", to: "postmaster@mx.test.example")).verdicts.first)
        XCTAssertEqual(hit.reply.description, "451 4.3.5 Server configuration error")
        let miss = try XCTUnwrap(sim.simulate(tx(from: "a@y", to: "x@remote.example")).verdicts.first)
        XCTAssertEqual(miss.reply.description, "454 4.7.1 <x@remote.example>: Relay access denied")
    }

    /// The four lines: lint must end (the relay walk used to explore 2^100 paths) and
    /// report the loop.
    func testLintReportsTheLoopsAndEnds() throws {
        let dir = try TestSupport.makeTempDir("recursion")
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            smtpd_restriction_classes = cls1
            cls1 = $smtpd_recipient_restrictions
            smtpd_recipient_restrictions = check_sender_access texthash:/etc/postfix/m0,
                check_sender_access texthash:/etc/postfix/m0, reject_unauth_destination

            """.write(to: dir.appendingPathComponent("main.cf"), atomically: true, encoding: .utf8)
        try "x cls1\n".write(to: dir.appendingPathComponent("m0"), atomically: true, encoding: .utf8)
        let found = PostfixLinter.lint(try PostfixConfigSet.load(directory: dir.path))
        let loops = found.filter { $0.id == "GW2006" }
        XCTAssertEqual(loops.count, 1, "\(found.map(\.message))")
        XCTAssertTrue(loops.first?.message.contains("451 4.3.5") ?? false)

        try "compatibility_level = 3.6\nsmtpd_restriction_classes = loop\nloop = loop\nsmtpd_recipient_restrictions = loop, reject_unauth_destination\n"
            .write(to: dir.appendingPathComponent("main.cf"), atomically: true, encoding: .utf8)
        let direct = PostfixLinter.lint(try PostfixConfigSet.load(directory: dir.path)).filter { $0.id == "GW2006" }
        XCTAssertEqual(direct.count, 1)
        XCTAssertTrue(direct.first?.message.contains("SIGSEGV") ?? false)
        XCTAssertEqual(direct.first?.span.line, 3)
    }

    /// What the prediction rests on: the real smtpd dies on a class-only loop (no reply, the
    /// connection drops, master logs signal 11), and answers 451 4.3.5 for a table loop.
    func testRealPostfixCrashesOnAClassLoopAndAnswers451ForATableLoop() throws {
        let postfix = try PostfixInstance(overrides: [
            "mydestination": "$myhostname",
            "smtpd_restriction_classes": "loop, cls1",
            "loop": "loop",
            "cls1": "check_sender_access hash:$config_directory/m0, reject_unauth_destination",
            "smtpd_recipient_restrictions": "check_sender_access hash:$config_directory/m0, reject_unauth_destination, loop",
        ], files: ["m0": "x cls1\n"], hashMaps: ["m0"])
        defer { postfix.stop() }
        let table = try postfix.session(clientAddress: "198.51.100.7", helo: "mx.example.net")
        _ = try table.mail(from: "a@x")
        XCTAssertEqual(try table.rcpt(to: "postmaster@gateway.test.example").description, "451 4.3.5 Server configuration error")
        table.quit()

        let smtp = try postfix.session(clientAddress: "198.51.100.7", helo: "mx.example.net")
        _ = try smtp.mail(from: "a@y")
        XCTAssertThrowsError(try smtp.rcpt(to: "postmaster@gateway.test.example"), "smtpd answered instead of crashing")
        // master logs the crash once it reaps the child.
        var log = ""
        for _ in 0..<100 where !log.contains("killed by signal 11") {
            log = postfix.log()
            usleep(50_000)
        }
        XCTAssertTrue(log.contains("killed by signal 11"), log)
    }
}
