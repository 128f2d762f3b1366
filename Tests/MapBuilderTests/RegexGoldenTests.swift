import Foundation
@testable import MapBuilder
import TestSupport
import XCTest

/// Golden files under Golden/regex: Postfix's own error cases with the warnings postmap prints
/// (checked against the real postmap on every run, so the golden file cannot drift), and a
/// corpus of tables and strings where every answer must equal `postmap -q - TYPE:FILE`.
final class RegexGoldenTests: XCTestCase {
    static let golden = TestSupport.packageRoot.appendingPathComponent("Tests/MapBuilderTests/Golden/regex")

    func testErrorCasesMatchGoldenAndPostmap() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        for file in ["errors.pcre", "errors.regexp", "leading.pcre"] {
            let path = Self.golden.appendingPathComponent(file).path
            let flavor: RegexFlavor = file.hasSuffix(".pcre") ? .pcre : .regexp
            let golden = try String(contentsOfFile: path + ".warnings", encoding: .utf8)
                .split(separator: "\n").map(String.init)
            let table = try RegexTable.parse(contentsOf: path, flavor: flavor)
            let ours = table.warnings.map { $0.postmapText.replacingOccurrences(of: Self.golden.path + "/", with: "") }
            XCTAssertEqual(ours, golden, file)
            let theirs = try postmap.query("zz", "\(flavor.rawValue):\(path)").warnings
                .map { $0.replacingOccurrences(of: Self.golden.path + "/", with: "") }
            XCTAssertEqual(theirs, golden, "golden file out of date with postmap: \(file)")
            // Every warning carries a usable location.
            for w in table.warnings {
                XCTAssertGreaterThan(w.line, 0, w.description)
                XCTAssertGreaterThan(w.column, 0, w.description)
            }
        }
    }

    func testErrorCaseLocations() throws {
        let path = Self.golden.appendingPathComponent("errors.pcre").path
        let table = try RegexTable.parse(contentsOf: path, flavor: .pcre)
        let located = table.warnings.map { "\($0.line):\($0.column) \($0.kind.rawValue)" }
        XCTAssertEqual(Array(located.prefix(3)), ["3:4 regex-flag", "4:4 regex-flag", "5:1 regex-syntax"])
        // The compile error points into the pattern: `/(/` fails at offset 1, column 3.
        XCTAssertTrue(located.contains("14:3 regex-compile"), "\(located)")
        // Only the rules Postfix keeps survive: /ok/, /y/X (obsolete flag ignored), /no-result/,
        // if /a/, /b/, endif, the two unclosed IFs, /c/.
        XCTAssertEqual(table.rules.count, 9)
    }

    func testCorpusAnswersEqualPostmap() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        let strings = try String(contentsOf: Self.golden.appendingPathComponent("corpus.strings"), encoding: .utf8)
        let keys = strings.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        for (file, flavor) in [("corpus.pcre", RegexFlavor.pcre), ("corpus.regexp", .regexp)] {
            let path = Self.golden.appendingPathComponent(file).path
            let table = try RegexTable.parse(contentsOf: path, flavor: flavor)
            XCTAssertEqual(table.warnings, [], file)
            let expected = try postmap.run(["-q", "-", "\(flavor.rawValue):\(path)"], input: keys.joined(separator: "\n") + "\n")
            var ours = ""
            for key in keys {
                if let match = table.query(key) { ours += "\(key)\t\(match.value)\n" }
            }
            XCTAssertEqual(ours, expected.stdout, file)
            XCTAssertGreaterThan(expected.stdout.split(separator: "\n").count, 15, "corpus too weak: \(file)")
        }
    }
}
