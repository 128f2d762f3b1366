import Foundation
import TestSupport
import XCTest

/// What `gatewayctl build` writes must lint with no finding at all, not even info, whichever
/// folder of the tree an admin points `lint` at (the whole tree, its Postfix folder, or a copy
/// of /etc): the project's own advice applies to its own output.
final class BuiltTreeLintsCleanTests: XCTestCase {
    func testSeedTreesLintWithoutAnyFinding() throws {
        let seed = TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path
        let variants: [(String, [String], [String])] = [
            ("freebsd-2.8", [], ["", "usr/local/etc/postfix", "usr/local/etc"]),
            ("debian-3.7", ["--set", "gateway.platform=debian", "--set", "gateway.postfix=3.7"],
             ["", "etc/postfix", "etc"]),
        ]
        for (name, sets, folders) in variants {
            let out = try TestSupport.makeTempDir("gatewayctl-lintclean-\(name)")
            defer { try? FileManager.default.removeItem(at: out) }
            let built = try TestSupport.gatewayctl(["build", seed, "--out", out.path] + sets)
            XCTAssertEqual(built.status, 0, "\(name): \(built.stdout)\(built.stderr)")
            for folder in folders {
                let path = folder.isEmpty ? out.path : out.appendingPathComponent(folder).path
                let r = try TestSupport.gatewayctl(["lint", path])
                XCTAssertEqual(r.status, 0, "\(name) \(folder)")
                // Only the summary line, which always names what was linted.
                XCTAssertTrue(r.stdout.hasPrefix("0 errors, 0 warnings, 0 info; linted "), r.stdout)
                XCTAssertEqual(r.stdout.split(separator: "\n").count, 1,
                               "\(name): `gatewayctl lint \(folder.isEmpty ? "." : folder)` reported findings: \(r.stdout)")
            }
        }
    }
}
