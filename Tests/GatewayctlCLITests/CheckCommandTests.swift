import Foundation
import XCTest
import TestSupport

/// `gatewayctl check` end to end: the examples, the golden broken files, the JSON contract.
final class CheckCommandTests: XCTestCase {
    let root = TestSupport.packageRoot

    func check(_ args: [String], cwd: URL? = nil) throws -> ProcessResult {
        try TestSupport.gatewayctl(["check"] + args, cwd: cwd ?? root)
    }

    func testSeedAndMinimalExamplesAreClean() throws {
        for example in ["examples/seed-gateway.conf", "examples/minimal.conf"] {
            let r = try check([example, "--strict"])
            XCTAssertEqual(r.status, 0, example + ": " + r.stdout)
            XCTAssertEqual(r.stdout, "", example)
        }
    }

    func testBrokenExamplesMatchTheirGoldenOutput() throws {
        let dir = root.appendingPathComponent("examples/broken")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".conf") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 20)
        let update = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
        for name in names {
            let base = dir.appendingPathComponent(String(name.dropLast(5)))
            let r = try check(["examples/broken/" + name])
            if update {
                try r.stdout.write(to: base.appendingPathExtension("expected"), atomically: true, encoding: .utf8)
                try "\(r.status)\n".write(to: base.appendingPathExtension("status"), atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: base.appendingPathExtension("expected"), encoding: .utf8)
            let status = try String(contentsOf: base.appendingPathExtension("status"), encoding: .utf8)
            XCTAssertEqual(r.stdout, expected, name)
            XCTAssertEqual("\(r.status)", status.trimmingCharacters(in: .whitespacesAndNewlines), name)
            XCTAssertFalse(r.stderr.contains("Fatal error"), name)
        }
    }

    /// The contract of shared/DESIGN.md: exact members, types, and a summary that adds up.
    func testJSONOutputMatchesTheSchema() throws {
        for name in ["invalid-value", "loopback-in-jail", "listen-ip-slip", "directory"] {
            let r = try check(["examples/broken/\(name).conf", "--format", "json"])
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], name)
            XCTAssertEqual(Set(doc.keys), ["version", "diagnostics", "summary"])
            XCTAssertEqual(doc["version"] as? Int, 1)
            let diags = try XCTUnwrap(doc["diagnostics"] as? [[String: Any]])
            XCTAssertFalse(diags.isEmpty, name)
            for d in diags {
                XCTAssertEqual(Set(d.keys), ["id", "rule", "severity", "file", "line", "column", "endLine", "endColumn",
                                             "message", "notes", "fix"])
                XCTAssertNotNil((d["id"] as? String)?.wholeMatch(of: /GW[0-9]{4}/))
                XCTAssertTrue(["error", "warning", "info"].contains(d["severity"] as? String ?? ""))
                for k in ["line", "column", "endLine", "endColumn"] { XCTAssertGreaterThan(d[k] as? Int ?? 0, 0, k) }
                XCTAssertGreaterThanOrEqual(d["endColumn"] as? Int ?? 0, d["column"] as? Int ?? 0)
                XCTAssertTrue(d["fix"] is String || d["fix"] is NSNull)
                for note in try XCTUnwrap(d["notes"] as? [[String: Any]]) {
                    XCTAssertTrue(Set(note.keys).isSubset(of: ["file", "line", "column", "message"]))
                    XCTAssertNotNil(note["message"] as? String)
                }
            }
            let summary = try XCTUnwrap(doc["summary"] as? [String: Int])
            XCTAssertEqual(Set(summary.keys), ["errors", "warnings", "infos"])
            for (key, sev) in [("errors", "error"), ("warnings", "warning"), ("infos", "info")] {
                XCTAssertEqual(summary[key], diags.filter { $0["severity"] as? String == sev }.count, "\(name) \(key)")
            }
        }
    }

    func testStrictTurnsWarningsIntoFailure() throws {
        XCTAssertEqual(try check(["examples/broken/listen-ip-slip.conf"]).status, 0)
        XCTAssertEqual(try check(["examples/broken/listen-ip-slip.conf", "--strict"]).status, 1)
    }

    func testDefaultConfigIsGatewayConfInTheCurrentDirectory() throws {
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try check([], cwd: dir)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stdout.hasPrefix("gateway.conf:1:1: error: cannot read `gateway.conf`"), missing.stdout)
        try FileManager.default.copyItem(at: root.appendingPathComponent("examples/minimal.conf"),
                                         to: dir.appendingPathComponent("gateway.conf"))
        XCTAssertEqual(try check([], cwd: dir).status, 0)
    }

    func testSetOverridesAKeyBeforeValidation() throws {
        let ok = try check(["examples/seed-gateway.conf", "--set", "gateway.platform=debian", "--set", "gateway.postfix=3.7"])
        XCTAssertEqual(ok.status, 0, ok.stdout)
        let bad = try check(["examples/seed-gateway.conf", "--set", "gateway.plaform=debian"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stdout.contains("--set:1:9: error: unknown key `plaform` in `[gateway]`"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("did you mean `gateway.platform`?"), bad.stdout)
    }

    func testUsageErrorIs64() throws {
        XCTAssertEqual(try check(["examples/seed-gateway.conf", "--format", "xml"]).status, 64)
    }
}
