import Foundation
import XCTest
import TestSupport

/// `check` reports exactly what `build` refuses on: both consume one `Compilation`, so every
/// broken example and every error the emitters can throw gives the same findings and status.
final class CheckBuildAgreementTests: XCTestCase {
    let root = TestSupport.packageRoot

    /// Variants of the seed that parse cleanly but cannot be emitted (one per kind of EmitError).
    static let emitErrorCases: [(name: String, from: String, to: String)] = [
        ("stream-max-length below message size", "stream-max-length = 10M", "stream-max-length = 1M"),
        ("relay restrictions before 2.10", "[restrictions]\n", "[restrictions]\nrelay = reject_unauth_destination\n"),
        ("relative database directory", "stream-max-length = 10M", "stream-max-length = 10M\ndatabase-directory = var/db/clamav"),
    ]

    func findings(_ args: [String], cwd: URL) throws -> (status: Int32, diagnostics: [String]) {
        let r = try TestSupport.gatewayctl(args + ["--format", "json"], cwd: cwd)
        XCTAssertFalse(r.stderr.contains("Fatal error"), args.joined(separator: " "))
        guard let doc = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
              let diags = doc["diagnostics"] as? [[String: Any]] else {
            XCTFail("no JSON from \(args): \(r.stdout) \(r.stderr)")
            return (r.status, [])
        }
        let lines = try diags.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: .sortedKeys), as: UTF8.self) }
        return (r.status, lines)
    }

    func assertAgree(_ config: String, cwd: URL, _ label: String) throws {
        let out = try TestSupport.makeTempDir("agree-out")
        defer { try? FileManager.default.removeItem(at: out) }
        let check = try findings(["check", config], cwd: cwd)
        let build = try findings(["build", config, "--out", out.path], cwd: cwd)
        XCTAssertEqual(check.diagnostics, build.diagnostics, label)
        XCTAssertEqual(check.status, build.status, label)
        if check.status != 0 {
            let written = try FileManager.default.contentsOfDirectory(atPath: out.path)
            XCTAssertEqual(written, [], "\(label): build wrote files although check failed")
        }
    }

    func testBrokenExamplesAgree() throws {
        let dir = root.appendingPathComponent("examples/broken")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".conf") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 20)
        for name in names { try assertAgree("examples/broken/" + name, cwd: root, name) }
    }

    func testEmitErrorsAreFindingsOfCheckToo() throws {
        let seed = try String(contentsOf: root.appendingPathComponent("examples/seed-gateway.conf"), encoding: .utf8)
        let dir = try TestSupport.makeTempDir("agree")
        defer { try? FileManager.default.removeItem(at: dir) }
        for c in Self.emitErrorCases {
            let text = c.from.hasPrefix("[restrictions]") && !seed.contains(c.from) ? seed + "\n" + c.to : seed.replacingOccurrences(of: c.from, with: c.to)
            XCTAssertNotEqual(text, seed, c.name)
            try text.write(to: dir.appendingPathComponent("gateway.conf"), atomically: true, encoding: .utf8)
            try assertAgree("gateway.conf", cwd: dir, c.name)
            let check = try TestSupport.gatewayctl(["check", "gateway.conf"], cwd: dir)
            XCTAssertEqual(check.status, 1, "\(c.name): \(check.stdout)")
            XCTAssertTrue(check.stdout.contains(": error: "), "\(c.name): \(check.stdout)")
        }
    }
}
