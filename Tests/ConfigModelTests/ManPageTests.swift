import Foundation
import XCTest
import TestSupport
@testable import ConfigModel

/// man/gatewayctl.conf.5 documents the grammar; it must name every section and key the
/// parser knows, so the two cannot drift apart silently.
final class ManPageTests: XCTestCase {
    func testManPageNamesEverySectionAndKey() throws {
        let page = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("man/gatewayctl.conf.5"), encoding: .utf8)
            .replacingOccurrences(of: "\\-", with: "-")
        for section in SectionSchema.sections {
            XCTAssertTrue(page.contains(".SS [\(section.name)]"), "section [\(section.name)] is not documented")
            for key in section.keys {
                XCTAssertTrue(page.contains(key), "key `\(key)` of [\(section.name)] is not documented")
            }
        }
    }
}
