import Foundation
import XCTest
import TestSupport

/// gateway.conf is read once per command: the compile pipeline keeps its bytes for every later
/// stage (suppressions, emitting, simulate). Counted with strace on the real binary.
final class ReadOnceTests: XCTestCase {
    func testEachCommandOpensGatewayConfOnce() throws {
        let strace = try TestSupport.requireTool("strace", package: "strace")
        let dir = try TestSupport.makeTempDir("read-once")
        defer { try? FileManager.default.removeItem(at: dir) }
        let seed = TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf")
        try FileManager.default.copyItem(at: seed, to: dir.appendingPathComponent("once.conf"))
        let commands: [[String]] = [
            ["check", "once.conf"],
            ["build", "once.conf", "--out", "out"],
            ["simulate", "once.conf", "--client-address", "203.0.113.9", "--helo", "mx.example.net",
             "--from", "a@example.net", "--to", "usuario1@example.com"],
        ]
        for command in commands {
            let log = dir.appendingPathComponent("trace").path
            let r = try TestSupport.run(strace, ["-f", "-qq", "-e", "trace=open,openat,openat2", "-o", log,
                                                 TestSupport.gatewayctlPath] + command, cwd: dir)
            XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
            let opens = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
                .filter { $0.contains("\"once.conf\"") || $0.contains("/once.conf\"") }
            XCTAssertEqual(opens.count, 1, "\(command[0]) opened gateway.conf \(opens.count) times:\n\(opens.joined(separator: "\n"))")
        }
    }
}
