import Foundation
@testable import MapBuilder
import TestSupport
import XCTest

final class RegexTableTests: XCTestCase {
    func testQueryExpandsGroupsAndHonoursIfEndif() {
        let table = RegexTable.parse("""
            # helo checks
            /^spam\\.example\\.com$/ REJECT You are not in the server room
            if /^mail/
            /^mail(\\d+)\\.(.*)$/ OK host $1 of $2
            endif
            !/\\./ REJECT no dots
            """, file: "helo_checks", flavor: .pcre)
        XCTAssertEqual(table.warnings, [])
        XCTAssertEqual(table.query("SPAM.example.com")?.value, "REJECT You are not in the server room")
        XCTAssertEqual(table.query("mail7.example.org"), RegexMatch(value: "OK host 7 of example.org", line: 4))
        XCTAssertEqual(table.query("localhost")?.value, "REJECT no dots")
        XCTAssertNil(table.query("www.example.org"))
    }

    func testPostfixWarningsWithLocations() {
        let table = RegexTable.parse("/x/q r\n/(p)/ $2\n", file: "t", flavor: .regexp)
        XCTAssertEqual(table.warnings.map(\.postmapText), [
            "regexp map t, line 1: unknown regexp option \"q\": skipping this rule",
            "regexp map t, line 2: out of range replacement index \"2\": skipping this rule",
        ])
        XCTAssertEqual(table.warnings.map(\.column), [4, 7])
        XCTAssertTrue(table.rules.isEmpty)
    }
}
