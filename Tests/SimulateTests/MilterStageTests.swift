import Foundation
import TestSupport
import XCTest
@testable import Simulate

/// With `engine = rspamd` the simulator stops where Postfix hands over to the milter: the RCPT
/// reply is predicted, the milter's verdict at the end of DATA is named, not guessed.
final class MilterStageTests: XCTestCase {
    func testSeedWithRspamdNamesTheMilterStageAfterRCPT() throws {
        let path = TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path
        let input = try SimulationInput.load(gatewayConf: path, overrides: [
            "content-filter.engine=rspamd", "rspamd.redis=192.168.40.3:6379",
        ])
        let sim = Simulator(context: input.context(dns: nil))
        let tx = Transaction(clientAddress: "203.0.113.9", clientName: nil, helo: "mx.example.net",
                             sender: "a@example.net", recipients: ["x@example.org", "usuario1@example.com"])
        let verdicts = sim.simulate(tx).verdicts
        XCTAssertEqual(verdicts.map(\.reply.description), [
            "554 5.7.1 <x@example.org>: Relay access denied",
            // No postgrey policy service at RCPT any more: greylisting moved into rspamd.
            "250 2.1.5 Ok",
        ])
        // The refused recipient never reaches the milter; the accepted one is handed to it.
        XCTAssertFalse(verdicts[0].trace.contains { $0.list == "smtpd_milters" })
        let last = try XCTUnwrap(verdicts[1].trace.last)
        XCTAssertEqual(last.list, "smtpd_milters")
        XCTAssertEqual(last.restriction, "milter inet:192.168.40.3:10024")
        XCTAssertEqual(last.result, "decides at end of DATA")
        let pending = try XCTUnwrap(verdicts[1].notEvaluated.first { $0.restriction.hasPrefix("milter ") })
        XCTAssertTrue(pending.reason.contains("milter_default_action = tempfail"), pending.reason)
        XCTAssertNil(pending.alternative, "the milter's verdict is not guessed")

        // The amavis seed has no milter stage.
        let amavis = Simulator(context: try SimulationInput.load(gatewayConf: path).context(dns: nil))
        XCTAssertFalse(amavis.simulate(tx).verdicts.contains { $0.trace.contains { $0.list == "smtpd_milters" } })
    }
}
