import Foundation
import TestSupport
import XCTest

/// `check` also lints the Postfix files the gateway compiles to; those findings point at the
/// gateway.conf line they come from, and `build` refuses exactly what `check` rejects.
final class CompiledFindingsTests: XCTestCase {
    func testHandWrittenListWithoutGuardIsReportedAtItsLineAndRefusedByBuild() throws {
        let dir = try TestSupport.makeTempDir("gatewayctl-compiled")
        defer { try? FileManager.default.removeItem(at: dir) }
        let minimal = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/minimal.conf"), encoding: .utf8)
        let text = minimal + "\n[restrictions]\nrecipient = permit_mynetworks, permit, reject_unauth_destination\n"
        let conf = dir.appendingPathComponent("gateway.conf")
        try Data(text.utf8).write(to: conf)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("recipient =") }.map { $0 + 1 } ?? 0
        let v28 = ["--set", "gateway.postfix=2.8"]

        let checked = try TestSupport.gatewayctl(["check", conf.path] + v28)
        XCTAssertEqual(checked.status, 1, checked.stdout)
        XCTAssertTrue(checked.stdout.hasPrefix("\(conf.path):\(line):13: error: "), checked.stdout)
        XCTAssertTrue(checked.stdout.contains("[GW2002 relay-guard-missing]"), checked.stdout)
        XCTAssertTrue(checked.stdout.contains("note: in the compiled `/etc/postfix/main.cf`"), checked.stdout)

        let out = dir.appendingPathComponent("out")
        let built = try TestSupport.gatewayctl(["build", conf.path, "--out", out.path] + v28)
        XCTAssertEqual(built.status, 1, built.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "build wrote a gateway that check rejects")

        // With the 3.7 layout the relay list keeps the guard: the same override is not an error.
        XCTAssertEqual(try TestSupport.gatewayctl(["check", conf.path]).status, 0)
    }
}
