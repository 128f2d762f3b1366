import XCTest
import TestSupport

final class CLIBasicsTests: XCTestCase {
    func testHelpListsSubcommandsAndExitCodes() throws {
        let r = try TestSupport.gatewayctl(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("SUBCOMMANDS:"))
        XCTAssertTrue(r.stdout.contains("64 usage error"))
    }

    func testUnknownOptionIsUsageError64() throws {
        let r = try TestSupport.gatewayctl(["--no-such-flag"])
        XCTAssertEqual(r.status, 64)
    }

    func testExplainUnknownRuleIs64() throws {
        let r = try TestSupport.gatewayctl(["explain", "no-such-rule"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("unknown rule `no-such-rule`"))
    }

    func testRulesJSONIsAnArray() throws {
        let r = try TestSupport.gatewayctl(["rules", "--format", "json"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("["))
    }
}

/// man/gatewayctl.1 is generated from the command definitions (scripts/gen-man.sh); this fails
/// when a subcommand or option exists that the committed page does not describe.
final class CommandManPageTests: XCTestCase {
    func testManPageDescribesEverySubcommandAndOption() throws {
        let page = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("man/gatewayctl.1"), encoding: .utf8)
        let help = try TestSupport.gatewayctl(["--help"]).stdout
        let block = help.components(separatedBy: "SUBCOMMANDS:").last?.components(separatedBy: "\n\n").first ?? ""
        let subcommands = block
            .split(separator: "\n").compactMap { line -> String? in
                let t = line.drop(while: { $0 == " " })
                guard line.hasPrefix("  "), !line.hasPrefix("    "), let w = t.split(separator: " ").first else { return nil }
                return String(w)
            }
        XCTAssertGreaterThanOrEqual(subcommands.count, 8, help)
        for name in subcommands {
            XCTAssertTrue(page.contains(".It Em \(name)\n"), "`\(name)` is missing from man/gatewayctl.1: run scripts/gen-man.sh")
            let sub = try TestSupport.gatewayctl([name, "--help"]).stdout
            // Option rows of the OPTIONS: block: `  -f, --format <format>   help text`.
            let rows = (sub.components(separatedBy: "OPTIONS:").dropFirst().first ?? "").split(separator: "\n")
                .filter { $0.hasPrefix("  -") }
            for row in rows {
                guard let option = row.split(separator: " ").prefix(2).first(where: { $0.hasPrefix("--") }) else { continue }
                // An inverted flag shows as `--starttls/--no-starttls`; the page lists each form.
                for form in option.split(separator: "/") {
                    let bare = form.dropFirst(2).trimmingCharacters(in: CharacterSet(charactersIn: ","))
                    XCTAssertTrue(page.contains("Fl -\(bare)"),
                                  "`\(name) --\(bare)` is missing from man/gatewayctl.1: run scripts/gen-man.sh")
                }
            }
        }
    }
}
