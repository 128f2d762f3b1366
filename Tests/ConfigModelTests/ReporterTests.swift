import XCTest
@testable import ConfigModel
@testable import Diagnostics

final class ReporterTests: XCTestCase {
    let sample = [
        Diagnostic(id: "GW2001", rule: "open-relay", severity: .error,
                   span: SourceSpan(file: "main.cf", line: 12, column: 5, endColumn: 30),
                   message: "anyone can relay: `check_helo_access` can return OK before `reject_unauth_destination`",
                   notes: [.init("this entry permits", at: SourceSpan(file: "helo_access", line: 2, column: 1))],
                   fix: "move `reject_unauth_destination` before `check_helo_access`"),
        Diagnostic(id: "GW1001", rule: "syntax", severity: .warning,
                   span: SourceSpan(file: "gateway.conf", line: 3, column: 1), message: "a \"quoted\"\nvalue"),
    ]

    func testTextIsGccStyleAndSorted() {
        let text = Reporter.render(sample, format: .text)
        XCTAssertEqual(text, """
        gateway.conf:3:1: warning: a "quoted"
        value [GW1001 syntax]
        main.cf:12:5: error: anyone can relay: `check_helo_access` can return OK before `reject_unauth_destination` [GW2001 open-relay]
        helo_access:2:1: note: this entry permits
          help: move `reject_unauth_destination` before `check_helo_access`
        1 error, 1 warning, 0 info

        """)
    }

    func testJSONContract() {
        let json = Reporter.render([sample[0]], format: .json)
        XCTAssertTrue(json.hasPrefix("{\n  \"version\": 1,\n  \"diagnostics\": ["))
        for key in ["\"id\": \"GW2001\"", "\"rule\": \"open-relay\"", "\"severity\": \"error\"", "\"file\": \"main.cf\"",
                    "\"line\": 12", "\"column\": 5", "\"endLine\": 12", "\"endColumn\": 30",
                    "\"summary\": {\n    \"errors\": 1,\n    \"warnings\": 0,\n    \"infos\": 0\n  }"] {
            XCTAssertTrue(json.contains(key), "missing \(key) in\n\(json)")
        }
        XCTAssertTrue(Reporter.render([sample[1]], format: .json).contains(#""message": "a \"quoted\"\nvalue""#))
    }

    func testGitHubEscapes() {
        let out = Reporter.render([sample[1]], format: .github)
        XCTAssertEqual(out, "::warning file=gateway.conf,line=3,col=1,endLine=3,endColumn=1,title=GW1001 syntax::a \"quoted\"%0Avalue [GW1001 syntax]\n")
    }

    func testSARIFHasResultsAndRelatedLocations() {
        let out = Reporter.render(sample, format: .sarif)
        XCTAssertTrue(out.contains("\"version\": \"2.1.0\""))
        XCTAssertTrue(out.contains("\"ruleId\": \"GW2001\""))
        XCTAssertTrue(out.contains("\"relatedLocations\""))
        XCTAssertTrue(out.contains("\"level\": \"warning\""))
    }
}
