import XCTest
import TestSupport

final class CLIBasicsTests: XCTestCase {
    func testHelpListsSubcommandsAndExitCodes() throws {
        let r = try TestSupport.gatewayctl(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("SUBCOMMANDS:"))
        XCTAssertTrue(r.stdout.contains("64 usage error"))
    }

    func testUnknownOptionIsUsageError64() throws {
        let r = try TestSupport.gatewayctl(["--no-such-flag"])
        XCTAssertEqual(r.status, 64)
    }

    func testExplainUnknownRuleIs64() throws {
        let r = try TestSupport.gatewayctl(["explain", "no-such-rule"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("unknown rule `no-such-rule`"))
    }

    func testRulesJSONIsAnArray() throws {
        let r = try TestSupport.gatewayctl(["rules", "--format", "json"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("["))
    }
}
