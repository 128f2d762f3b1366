import Foundation
import TestSupport
import XCTest

/// Every command that reads a file the user named says why it cannot in FileLayer's one
/// wording: "cannot read `PATH`: no such file" (or "is a directory", "permission denied", ...).
final class FileWordingTests: XCTestCase {
    func testMissingAndDirectoryInputsReadTheSameInEveryCommand() throws {
        let dir = try TestSupport.makeTempDir("gatewayctl-wording")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("nope").path
        let cases: [([String], String)] = [
            (["check", missing], "cannot read `\(missing)`: no such file"),
            (["build", missing, "--out", dir.appendingPathComponent("out").path], "cannot read `\(missing)`: no such file"),
            (["simulate", missing, "--client-address", "192.0.2.1", "--helo", "x.example", "--from", "a@b.example", "--to", "c@d.example"],
             "cannot read `\(missing)`: no such file"),
            (["map", "build", "hash:" + missing], "cannot read `\(missing)`: no such file"),
            (["lint", missing], "cannot read `\(missing)`: no such file"),
            (["check", dir.path], "cannot read `\(dir.path)`: is a directory"),
            (["map", "build", "hash:" + dir.path], "cannot read `\(dir.path)`: is a directory"),
        ]
        for (args, text) in cases {
            let r = try TestSupport.gatewayctl(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stdout)\(r.stderr)")
            XCTAssertTrue((r.stdout + r.stderr).contains(text), "\(args): \(r.stdout)\(r.stderr)")
        }
    }
}
