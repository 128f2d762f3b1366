import Foundation
@testable import MapBuilder
import TestSupport
import XCTest

/// fuzz/all.sh `regex-table` found a regexp: table that took over 10 s to compile: glibc's
/// regcomp nests stacked quantifiers (`\[***...*?19`, 120 of them: `postmap -q` needs 12 s).
/// A stack matches what one quantifier matches, so MapBuilder compiles that one; the answers
/// stay postmap's.
final class RegexStackedQuantifierTests: XCTestCase {
    /// The fuzzer's input, byte for byte: parsed and queried (it used to hang in regcomp).
    func testFuzzerTimeoutInputCompiles() {
        let stack = "/^\\[" + String(repeating: "*", count: 123) + "?19/"
        let fuzzed = RegexTable.parse("/\\)?1^2\\Distd $0\n" + stack + "\r", file: "fuzz", flavor: .regexp)
        XCTAssertEqual(fuzzed.rules.count, 1)
        XCTAssertEqual(fuzzed.warnings.map(\.line), [1, 2], "\(fuzzed.warnings)")
        XCTAssertEqual(fuzzed.query("[19")?.line, 2)
        let table = RegexTable.parse(stack + " REJECT\n", file: "stack", flavor: .regexp)
        XCTAssertEqual(table.rules.count, 1)
        XCTAssertNil(table.query("mail.example.com"))
        XCTAssertEqual(table.query("19")?.line, 1)
        XCTAssertEqual(table.query("[[[[19x")?.value, "REJECT")
    }

    func testStacksCollapseToTheQuantifierTheyEqual() {
        func c(_ s: String) -> String {
            String(decoding: POSIXPattern.collapsingStackedQuantifiers(Array(s.utf8)), as: UTF8.self)
        }
        XCTAssertEqual(c("a**b"), "a*b")
        XCTAssertEqual(c("a++b"), "a+b")
        XCTAssertEqual(c("a??b"), "a?b")
        XCTAssertEqual(c("a+?b"), "a*b")
        XCTAssertEqual(c("a*+?b"), "a*b")
        XCTAssertEqual(c("[*+?]**"), "[*+?]*")
        XCTAssertEqual(c("[]*]??"), "[]*]?")
        XCTAssertEqual(c("[[:alpha:]]++"), "[[:alpha:]]+")
        XCTAssertEqual(c("\\***"), "\\**")
        XCTAssertEqual(c("(**"), "(**", "no atom before: left for regcomp to refuse")
        XCTAssertEqual(c("x|**"), "x|**")
    }

    /// postmap is the oracle: the same answers for stacked patterns small enough for it.
    func testAnswersAgreeWithPostmap() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        let dir = try TestSupport.makeTempDir("regex-stacked")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = """
            /^a**b+?$/ one
            /^(x+)++y??$/ two $1
            /^\\[*+*?19$/ three
            /^[*+?]**!$/ four

            """
        let file = dir.appendingPathComponent("stacked").path
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        let table = try RegexTable.parse(contentsOf: file, flavor: .regexp)
        for key in ["b", "aab", "ab", "xxy", "xy", "y", "[[[19", "19", "*+?!", "!", "a"] {
            let real = try postmap.query(key, "regexp:\(file)")
            XCTAssertEqual(table.query(key)?.value, real.found ? real.value : nil, key)
        }
    }
}
