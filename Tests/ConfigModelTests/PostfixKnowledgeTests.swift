import XCTest
@testable import PostfixConfig

/// The knowledge tables are built from the generated `postconf -d` text byte by byte (they are
/// built on every start of `check` and `lint`); the answers must be those of a plain reading.
final class PostfixKnowledgeTests: XCTestCase {
    /// The defaults are found by binary search over the generated lines: every line's name
    /// must find its own value (which also fails if a regenerated table is out of order).
    func testEveryGeneratedDefaultIsFoundByName() {
        var count = 0
        for line in PostfixKnowledge.parameterDefaultsText.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0].dropLast())
            let value = parts[1].hasPrefix(" ") ? String(parts[1].dropFirst()) : String(parts[1])
            XCTAssertEqual(PostfixKnowledge.parameterDefaults[name], value, name)
            count += 1
        }
        XCTAssertGreaterThan(count, 800)
        XCTAssertEqual(PostfixKnowledge.parameterNames.count, count)
        XCTAssertEqual(PostfixKnowledge.parameterDefaults["2bounce_notice_recipient"], "postmaster")
        for missing in ["", "a", "myhostnam", "myhostname_", "zzzz", "2bounce", "smtpd_relay_restriction"] {
            XCTAssertNil(PostfixKnowledge.parameterDefaults[missing], missing)
        }
    }

    func testCompatibilityNamesMatchAPlainReadingOfTheDefaults() {
        // The straightforward reading: every `${old?{$old}...}` in a default whose old name is
        // not a parameter of its own.
        var expected: [String: String] = [:]
        for (name, value) in PostfixKnowledge.parameterDefaults {
            var rest = Substring(value)
            while let r = rest.range(of: "${") {
                let after = rest[r.upperBound...]
                let old = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if !old.isEmpty, after.dropFirst(old.count).hasPrefix("?{$" + old + "}"),
                   PostfixKnowledge.parameterDefaults[String(old)] == nil {
                    expected[String(old)] = name
                }
                rest = after
            }
        }
        XCTAssertEqual(PostfixKnowledge.compatibilityNames, expected)
        // Renames postconf(5) documents.
        XCTAssertEqual(PostfixKnowledge.compatibilityNames["postscreen_dnsbl_whitelist_threshold"],
                       "postscreen_dnsbl_allowlist_threshold")
        XCTAssertEqual(PostfixKnowledge.compatibilityNames["postscreen_blacklist_action"], "postscreen_denylist_action")
        XCTAssertEqual(PostfixKnowledge.compatibilityNames["smtpd_per_record_deadline"], "smtpd_per_request_deadline")
        XCTAssertTrue(PostfixKnowledge.isKnownParameter("postscreen_dnsbl_ttl"))
        XCTAssertFalse(PostfixKnowledge.isKnownParameter("postscreen_dnsbl_tt"))
    }
}
