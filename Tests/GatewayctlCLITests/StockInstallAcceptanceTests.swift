import Foundation
import TestSupport
import XCTest

/// Issue 11's acceptance test: the seed gateway built for Debian and installed as an admin would
/// on a stock Debian 12 jail (network namespace without a loopback address, private mount
/// namespace with the emitted files at their real paths, host-setup.sh run for real, every
/// daemon as its package user, nothing switched off) answers every case of the table that
/// Tests/Acceptance/stock-install.sh prints. The script exits 2 when it cannot run (no root,
/// no namespaces or mounts, a missing tool): that fails here too, it is never skipped.
final class StockInstallAcceptanceTests: XCTestCase {
    func testStockDebianInstallAnswersEveryCase() throws {
        let script = TestSupport.packageRoot.appendingPathComponent("Tests/Acceptance/stock-install.sh").path
        let r = try TestSupport.run("/bin/bash", [script, TestSupport.gatewayctlPath])
        print(r.stdout)
        XCTAssertNotEqual(r.status, 2, "the acceptance test could not run: \(r.stderr)")
        XCTAssertEqual(r.status, 0, "\(r.stdout)\n\(r.stderr)")
        XCTAssertTrue(r.stdout.contains("stock-install: 28/28 passed"), r.stdout)
    }
}
