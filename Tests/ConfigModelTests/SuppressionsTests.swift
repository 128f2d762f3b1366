import XCTest
@testable import ConfigModel
@testable import Diagnostics
@testable import Lint

final class SuppressionsTests: XCTestCase {
    func diag(_ line: Int, _ rule: String = "open-relay", id: String = "GW2001") -> Diagnostic {
        Diagnostic(id: id, rule: rule, severity: .error, span: SourceSpan(file: "main.cf", line: line, column: 1), message: "m")
    }

    func testDirectiveCoversTheWholeNextEntryIncludingContinuations() {
        let text = """
        # gatewayctl: disable=open-relay,GW3002 partner pinned by firewall
        # another comment

        smtpd_relay_restrictions = permit_mynetworks,
            check_helo_access hash:/etc/postfix/helo_access,
        # a comment inside the entry
            reject_unauth_destination
        mynetworks = 127.0.0.0/8
        """
        let (s, problems) = Suppressions.parse(Array(text.utf8), file: "main.cf")
        XCTAssertTrue(problems.isEmpty)
        XCTAssertEqual(s.first?.lines, 1...7)
        XCTAssertEqual(s.first?.reason, "partner pinned by firewall")
        let kept = Suppressions.apply([diag(5), diag(8), diag(4, "duplicate-parameter", id: "GW3002")], s)
        XCTAssertEqual(kept.map(\.span.line), [8])
    }

    func testUnknownRuleAndSemicolonComments() {
        let (s, problems) = Suppressions.parse(Array("; gatewayctl: disable=open-rely typo\nhelo = x\n".utf8), file: "gateway.conf")
        XCTAssertEqual(s.count, 1)
        XCTAssertEqual(problems.map(\.message), ["`open-rely` is not a rule; did you mean `open-relay`?"])
        let unused = Suppressions.apply([], s)
        XCTAssertEqual(unused.map(\.id), ["GW3003"])
    }
}
