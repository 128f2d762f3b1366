import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import Lint

/// man/gatewayctl-rules.7 is rendered from the rule descriptions; this fails when the
/// committed page is stale. Regenerate with `GATEWAYCTL_UPDATE_GOLDEN=1`.
final class RuleManPageTests: XCTestCase {
    func testCommittedManPageIsCurrent() throws {
        let page = TestSupport.packageRoot.appendingPathComponent("man/gatewayctl-rules.7")
        let rendered = RuleManPage.render()
        if ProcessInfo.processInfo.environment["GATEWAYCTL_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: page, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: page, encoding: .utf8)
        XCTAssertEqual(committed, rendered, "man/gatewayctl-rules.7 is stale: regenerate with GATEWAYCTL_UPDATE_GOLDEN=1 swift test --filter RuleManPageTests")
        for d in RuleRegistry.descriptions { XCTAssertTrue(committed.contains(".SS \"\(d.id) "), "\(d.id) missing") }
        let control = committed.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F }
        XCTAssertEqual(control.count, 0, "control characters in the page: git and man treat it as binary")
    }

    /// man(1) renders it without a warning.
    func testManRendersThePageCleanly() throws {
        let man = try TestSupport.requireTool("man", package: "man-db")
        let page = TestSupport.packageRoot.appendingPathComponent("man/gatewayctl-rules.7").path
        let args = ["--warnings", "-l", page]
        let r = try TestSupport.run(man, args, environment: ["MANWIDTH": "100", "MAN_KEEP_FORMATTING": "0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "", "roff warnings")
        XCTAssertTrue(r.stdout.contains("open-relay") || r.stdout.contains("open‐relay"))
    }
}
