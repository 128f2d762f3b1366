import XCTest
import ArgumentParser
@testable import gatewayctl

/// `check` and `simulate` read their everyday argument shapes without ArgumentParser
/// (FastArguments, a start-up cost): what the shortcut takes it must build exactly as
/// ArgumentParser does, and everything else it must leave to ArgumentParser.
final class FastArgumentsTests: XCTestCase {
    func testTakenShapesBuildWhatArgumentParserBuilds() throws {
        let taken: [[String]] = [
            ["check"],
            ["check", "examples/seed-gateway.conf"],
            ["check", "g.conf", "--strict", "--format", "json"],
            ["check", "--format=sarif", "--set", "gateway.platform=debian", "g.conf", "--set=a.b=c"],
            ["check", "--strict", "--format", "github", "--set", "x.y=1", "--set", "x.z=2"],
            ["simulate", "--postfix", "d", "--client-address", "203.0.113.9", "--helo", "mx.example.net",
             "--from", "a@example.net", "--to", "x@example.com", "--to", "y@example.com", "--greylist-known"],
            ["simulate", "g.conf", "--client-address=::1", "--no-helo", "--from", "<>", "--to", "a@b",
             "--format", "json", "--dns", "f", "--talks-first", "--client-name", "n", "--sasl-user", "u"],
            ["simulate", "--batch", "b.txt"],
            ["simulate", "--postfix=d", "--batch=b.txt", "--format=text"],
        ]
        for arguments in taken {
            let fast = try XCTUnwrap(FastArguments.parse(arguments), "\(arguments)")
            let full = try GatewayCtl.parseAsRoot(arguments)
            // Every stored option, as reflection shows it: a property the shortcut forgot stays
            // in ArgumentParser's "definition" state and differs here.
            XCTAssertEqual(String(reflecting: fast), String(reflecting: full), "\(arguments)")
            XCTAssertFalse(String(reflecting: fast).contains("definition"), "\(arguments)")
        }
    }

    func testEverythingElseIsLeftToArgumentParser() {
        let left: [[String]] = [
            [], ["--help"], ["--version"], ["help", "check"], ["lint", "x"], ["check", "--help"], ["check", "-h"],
            ["check", "--version"], ["check", "a", "b"], ["check", "--strict", "--strict"], ["check", "--strict=yes"],
            ["check", "--format", "xml"], ["check", "--format"], ["check", "--format", "json", "--format", "text"],
            ["check", "--", "a"], ["check", "-"], ["check", ""], ["check", "help"], ["check", "--set", "-x"],
            ["check", "--set="], ["check", "--generate-completion-script", "bash"], ["check", "--unknown"],
            ["simulate", "--client-address", "not-an-ip", "--helo", "h", "--from", "a", "--to", "b"],
            ["simulate", "--postfix", "d", "--client-address", "192.0.2.1", "--helo", "h", "--from", "", "--to", "b"],
            ["simulate", "--postfix", "d", "--client-address", "192.0.2.1", "--helo", "h", "--from", "a"],
            ["simulate", "--from", "a", "--from", "b"],
            ["simulate", "g.conf", "--postfix", "d", "--batch", "b"],
        ]
        for arguments in left { XCTAssertNil(FastArguments.parse(arguments), "\(arguments)") }
    }
}
