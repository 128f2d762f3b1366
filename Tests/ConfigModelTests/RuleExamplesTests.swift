import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import Diagnostics
@testable import Lint

/// Runs every registered rule's own examples: a triggering example must produce the rule's id
/// exactly where its `↓` markers point, a non-triggering one must not produce it at all.
///
/// Each input kind contributes `RuleCase`s: how to turn an example's files into findings. Add a
/// kind (e.g. Postfix configuration directories) by appending its cases to `allCases`.
final class RuleExamplesTests: XCTestCase {
    struct RuleCase {
        var description: RuleDescription
        /// Findings for the example written under `dir` (entry file = the example's first file).
        var run: (_ dir: URL, _ entry: String) -> [Diagnostic]
        /// Rules over a model only run on input that parses: then every example must parse, or
        /// a non-triggering example would pass without the rule having run at all.
        var needsCleanParse: Bool
    }

    /// Syntax findings that cannot be written as example text; each has a golden file under
    /// examples/broken/ instead (or, for `bad-override`, a parser test).
    static let withoutTriggeringExample: Set<String> = ["GW1004", "GW1006", "GW1016"]

    static var gatewayCases: [RuleCase] {
        RuleRegistry.gatewayRules.map { rule in
            RuleCase(description: type(of: rule).description, run: { dir, entry in
                let loaded = GatewayLoader.load(path: dir.appendingPathComponent(entry).path)
                guard let doc = loaded.document else { return loaded.diagnostics }
                return rule.check(doc)
            }, needsCleanParse: true)
        } + SyntaxFinding.descriptions.map { d in
            RuleCase(description: d, run: { dir, entry in
                GatewayLoader.load(path: dir.appendingPathComponent(entry).path).diagnostics
            }, needsCleanParse: false)
        }
    }

    static var allCases: [RuleCase] { gatewayCases + postfixCases }

    struct Marker: Equatable, CustomStringConvertible {
        var file: String, line: Int, column: Int
        var description: String { "\(file):\(line):\(column)" }
    }

    /// Writes the example (markers removed) and returns where the markers were.
    static func write(_ example: RuleExample, to dir: URL) throws -> [Marker] {
        var markers: [Marker] = []
        for (name, text) in example.files {
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var column = 1
                for scalar in line.unicodeScalars {
                    if String(scalar) == RuleExample.marker { markers.append(Marker(file: name, line: n + 1, column: column)) }
                    else { column += 1 }
                }
            }
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.replacingOccurrences(of: RuleExample.marker, with: "").utf8).write(to: url)
        }
        return markers
    }

    func testTriggeringExamplesFireAtTheirMarkers() throws {
        for c in Self.allCases {
            let d = c.description
            if d.triggering.isEmpty {
                XCTAssertTrue(Self.withoutTriggeringExample.contains(d.id), "\(d.id) \(d.name) has no triggering example")
            }
            for (n, example) in d.triggering.enumerated() {
                let dir = try TestSupport.makeTempDir("rule-example")
                defer { try? FileManager.default.removeItem(at: dir) }
                let markers = try Self.write(example, to: dir)
                XCTAssertFalse(markers.isEmpty, "\(d.id) triggering example \(n + 1) has no `↓` marker")
                let found = c.run(dir, example.files[0].0)
                let mine = found.filter { $0.id == d.id }
                for m in markers {
                    XCTAssertTrue(mine.contains { $0.span.file.hasSuffix("/" + m.file) && $0.span.line == m.line && $0.span.column == m.column },
                                  "\(d.id) \(d.name) triggering example \(n + 1): expected a finding at \(m), got "
                                  + found.map { "\($0.id)@\($0.span.line):\($0.span.column) \($0.message)" }.joined(separator: "; "))
                }
                if c.needsCleanParse {
                    XCTAssertFalse(found.contains { $0.id.hasPrefix("GW1") },
                                   "\(d.id) triggering example \(n + 1) does not parse: \(found.map(\.message))")
                }
            }
        }
    }

    func testNonTriggeringExamplesStayQuiet() throws {
        for c in Self.allCases {
            let d = c.description
            XCTAssertFalse(d.nonTriggering.isEmpty, "\(d.id) \(d.name) has no non-triggering example")
            for (n, example) in d.nonTriggering.enumerated() {
                let dir = try TestSupport.makeTempDir("rule-example")
                defer { try? FileManager.default.removeItem(at: dir) }
                _ = try Self.write(example, to: dir)
                let found = c.run(dir, example.files[0].0)
                XCTAssertFalse(found.contains { $0.id == d.id },
                               "\(d.id) \(d.name) non-triggering example \(n + 1) fired: \(found.filter { $0.id == d.id }.map(\.message))")
                if c.needsCleanParse {
                    XCTAssertFalse(found.contains { $0.severity == .error && $0.id.hasPrefix("GW1") },
                                   "\(d.id) non-triggering example \(n + 1) does not parse: \(found.map(\.message))")
                }
            }
        }
    }

    func testIdsAndNamesAreUniqueAndWellFormed() {
        let all = RuleRegistry.descriptions
        XCTAssertEqual(Set(all.map(\.id)).count, all.count, "duplicate rule ids")
        XCTAssertEqual(Set(all.map(\.name)).count, all.count, "duplicate rule names")
        for d in all {
            XCTAssertNotNil(d.id.wholeMatch(of: /GW[1-6][0-9]{3}/), "bad id \(d.id)")
            XCTAssertNotNil(d.name.wholeMatch(of: /[a-z0-9]+(-[a-z0-9]+)*/), "bad name \(d.name)")
            XCTAssertFalse(d.summary.hasSuffix("."), "\(d.id) summary ends with a period")
            XCTAssertFalse(d.rationale.isEmpty, "\(d.id) has no rationale")
        }
    }
}
