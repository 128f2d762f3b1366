import Foundation
import TestSupport
import XCTest
@testable import ConfigModel
@testable import GatewayCompiler

/// `UnifiedDiff` against GNU `diff -u` on the same pairs: hunks must match line for line.
final class UnifiedDiffTests: XCTestCase {
    func testMatchesGNUDiff() throws {
        let diffTool = try TestSupport.requireTool("diff", package: "diffutils")
        let dir = try TestSupport.makeTempDir("gatewayctl-diff")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SystemRandomNumberGenerator()
        let base = (1...60).map { "line \($0)" }
        var cases: [([String], [String])] = [
            (base, base), ([], base), (base, []),
            (base, Array(base.dropFirst())), (base, base + ["tail"]),
            (base, base.map { $0 == "line 30" ? "changed 30" : $0 }),
            (base, base.enumerated().filter { $0.offset % 7 != 3 }.map(\.element)),
        ]
        for _ in 0..<20 {
            var b = base
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let i = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: b.remove(at: i)
                case 1: b.insert("new \(i)", at: i)
                default: b[i] = "edit \(i)"
                }
            }
            cases.append((base, b))
        }
        for (n, (a, b)) in cases.enumerated() {
            let old = a.map { $0 + "\n" }.joined(), new = b.map { $0 + "\n" }.joined()
            let fa = dir.appendingPathComponent("a"), fb = dir.appendingPathComponent("b")
            try Data(old.utf8).write(to: fa)
            try Data(new.utf8).write(to: fb)
            let expected = try TestSupport.run(diffTool, ["-u", fa.path, fb.path]).stdout
            let ours = UnifiedDiff.diff(old: old, new: new, oldName: "a", newName: "b")
            func body(_ s: String) -> [Substring] { s.split(separator: "\n").filter { !$0.hasPrefix("---") && !$0.hasPrefix("+++") } }
            XCTAssertEqual(body(ours), body(expected), "case \(n)")
        }
    }
}
