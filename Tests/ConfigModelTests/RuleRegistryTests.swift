import Foundation
import XCTest
import TestSupport
@testable import Diagnostics
@testable import Lint

/// Every rule file is registered once, sits in the folder of its id family, and is documented
/// (summary, rationale, examples, a section in the rules man page).
final class RuleRegistryTests: XCTestCase {
    static let families: [(prefix: String, folder: String)] = [
        ("GW20", "Relay"), ("GW30", "Parameters"), ("GW40", "Maps"), ("GW50", "ContentFilter"), ("GW60", "Platform"),
    ]

    func testEveryRuleFileIsRegisteredAndDocumented() throws {
        let rulesDir = TestSupport.packageRoot.appendingPathComponent("Sources/Lint/Rules")
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: rulesDir.path)?.allObjects as? [String])
            .filter { $0.hasSuffix("Rule.swift") }
        XCTAssertGreaterThan(files.count, 40)
        let registered = RuleRegistry.all.map { String(describing: type(of: $0)) }
        XCTAssertEqual(Set(registered).count, registered.count, "a rule is registered twice")
        let manPage = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("man/gatewayctl-rules.7"), encoding: .utf8)
        for file in files {
            let name = String(file.split(separator: "/").last!.dropLast(".swift".count))
            let folder = String(file.split(separator: "/").first!)
            guard let rule = RuleRegistry.all.first(where: { String(describing: type(of: $0)) == name }) else {
                XCTFail("\(file) is not in RuleRegistry.all")
                continue
            }
            let d = type(of: rule).description
            XCTAssertFalse(d.summary.isEmpty || d.rationale.isEmpty, d.id)
            XCTAssertFalse(d.triggering.isEmpty, "\(d.id) has no triggering example")
            XCTAssertFalse(d.nonTriggering.isEmpty, "\(d.id) has no non-triggering example")
            XCTAssertTrue(manPage.contains(d.id), "\(d.id) is missing from man/gatewayctl-rules.7")
            let isGateway = d.id.dropFirst(3).first == "1"
            let expected = isGateway ? "Gateway" : Self.families.first { d.id.hasPrefix($0.prefix) }?.folder
            XCTAssertEqual(folder, expected, "\(d.id) \(name) is filed under Rules/\(folder)")
        }
        XCTAssertEqual(files.count, registered.count, "registered rules without a file of their own")
    }

    /// The registry sorts rules by their conformance, not by a dynamic cast: the answers must be
    /// the cast's, for every rule (a rule that conforms in an extension included).
    func testConformanceAccessorsAgreeWithCasts() {
        for rule in RuleRegistry.all {
            let name = String(describing: type(of: rule))
            XCTAssertEqual(rule.asGatewayRule != nil, rule is any GatewayRule, name)
            XCTAssertEqual(rule.asPostfixRule != nil, rule is any PostfixRule, name)
        }
        XCTAssertEqual(RuleRegistry.gatewayRules.count, RuleRegistry.all.filter { $0 is any GatewayRule }.count)
        XCTAssertEqual(RuleRegistry.postfixRules.count, RuleRegistry.all.filter { $0 is any PostfixRule }.count)
        XCTAssertGreaterThan(RuleRegistry.gatewayRules.count, 10)
        XCTAssertGreaterThan(RuleRegistry.postfixRules.count, 30)
    }
}
