import Foundation
@testable import MapBuilder
import TestSupport
import XCTest

/// Hostile regexp: tables that fuzz/all.sh `regex-table` found.
///
/// A table that took over 10 s to compile: glibc's
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

    /// fuzz/all.sh `regex-table` also found a table that made glibc's regcomp use over 1 GiB
    /// (`x{9,9999}` and friends; `/(x{9,9999}){9,99}/` takes postmap over 4.8 GB). Bounded
    /// repetitions are budgeted: the rule over the limit is skipped with a warning.
    func testFuzzerOutOfMemoryInputIsBudgeted() {
        let input = "/^\\[/ RDPEND x\n/x{49999}/ a\n.?184\\o: $1\n/x{9,9999}/ b\n/(x{9,9999}){9,99}/ c\n/x{2,20}/ d\n"
        let table = RegexTable.parse(input, file: "fuzz", flavor: .regexp)
        let tooLarge = table.warnings.filter { $0.message.hasPrefix("regular expression too large") }
        XCTAssertEqual(tooLarge.map(\.line), [4, 5], "\(table.warnings)")
        XCTAssertEqual(table.warnings.first?.message, "Regular expression too big", "as postmap says for line 2")
        XCTAssertEqual(table.query("xxxxxxxxxxxxxxxxxxxxxxxx")?.value, "d")
        XCTAssertEqual(table.query("[19")?.value, "RDPEND x")
    }

    func testRepetitionSizeCountsCopies() {
        func size(_ s: String, extended: Bool = true) -> Int {
            POSIXPattern.repetitionSize(Array(s.utf8), extended: extended).expanded
        }
        XCTAssertEqual(size("abc"), 3)
        XCTAssertEqual(size("x{1,1000}"), 1000)
        XCTAssertEqual(size("(ab){9}c"), 19)
        XCTAssertEqual(size("(x{9,9999}){9,99}"), 9999 * 99)
        XCTAssertEqual(size("[a-z]{3,}"), 4)
        XCTAssertEqual(size("a\\{5\\}", extended: false), 5)
        XCTAssertEqual(size("a{5}", extended: false), 4, "BRE braces are literal")
        XCTAssertEqual(size("x{,3}"), 5, "not an interval: five literal atoms")
        XCTAssertEqual(size("x{40000}"), 8, "past RE_DUP_MAX: left for regcomp to refuse")
    }

    /// The per-table budget: twenty patterns of a thousand copies load, the next ones do not.
    func testTableBudget() {
        let text = (1...25).map { "/^\($0)x{1,999}$/ rule\($0)" }.joined(separator: "\n") + "\n"
        let table = RegexTable.parse(text, file: "budget", flavor: .regexp)
        XCTAssertEqual(table.rules.count, 20)
        XCTAssertEqual(table.query("20xxx")?.value, "rule20")
        XCTAssertNil(table.query("21xxx"))
    }
}
