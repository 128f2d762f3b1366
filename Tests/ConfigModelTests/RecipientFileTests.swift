import Foundation
import XCTest
import TestSupport
@testable import ConfigModel

/// The streaming reader across its 1 MiB chunk boundaries: every line is seen exactly once with
/// its number, whatever chunk it straddles, and over-long lines are reported, not split.
final class RecipientFileTests: XCTestCase {
    func testLinesAcrossChunkBoundariesAndOverlongLines() throws {
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = ""
        var expected: [String] = []
        var line = 0
        var longLine = 0
        // About 2.5 chunks of addresses of varying length, an over-long line straddling the first
        // chunk boundary, and no newline at the very end.
        while text.utf8.count < RecipientFile.chunk * 5 / 2 {
            line += 1
            if longLine == 0, text.utf8.count > RecipientFile.chunk - 200 {
                longLine = line
                text += String(repeating: "y", count: RecipientFile.maxLine + 10) + "@example.com\n"
                continue
            }
            let a = "user\(line)" + String(repeating: "x", count: line % 37) + "@example.com"
            text += a + (line % 5 == 0 ? " OK\r\n" : "\n")
            expected.append("\(line):\(a)")
        }
        text.removeLast()
        let path = dir.appendingPathComponent("r.txt").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        var seen: [String] = []
        var problems: [Int] = []
        try RecipientFile.forEachAddress(path: path) { item in
            if let _ = item.problem { problems.append(item.line) } else { seen.append("\(item.line):\(item.address)") }
        }
        XCTAssertEqual(problems, [longLine])
        XCTAssertEqual(seen.count, expected.count)
        XCTAssertEqual(seen, expected)
    }

    func testNotAFileIsAnOpenError() {
        XCTAssertThrowsError(try RecipientFile.forEachAddress(path: "/dev/null") { _ in }) {
            XCTAssertEqual(($0 as? RecipientFile.OpenError)?.kind, .notRegularFile)
        }
        XCTAssertThrowsError(try RecipientFile.forEachAddress(path: "/nonexistent/r.txt") { _ in }) {
            XCTAssertEqual(($0 as? RecipientFile.OpenError)?.kind, .notFound)
        }
    }
}
