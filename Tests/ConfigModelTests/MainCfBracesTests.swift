import XCTest
import TestSupport
@testable import GatewayCompiler

/// `ConfigText.braces` refuses exactly the main.cf text postconf warns about (`missing '}'`,
/// `syntax error after '}'`): postconf 3.7 is the oracle, value by value.
final class MainCfBracesTests: XCTestCase {
    func testRefusesExactlyWhatPostconfWarnsAbout() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let dir = try TestSupport.makeTempDir("braces-oracle")
        defer { try? FileManager.default.removeItem(at: dir) }
        FileManager.default.createFile(atPath: dir.appendingPathComponent("master.cf").path, contents: Data())
        let values = [
            "hello { world", "hello } world", "a {b} c", "text {", "{", "}", "a { b { c }", "a } {", "{ { } }",
            "{a} {", "a {b}} {c", "x{y", "x {y}z {", "a,{b", "{b},c", "{b};c", "a;{b", "a={b", "x {a {b} c} y",
            "{a}{b}", "a ,{b }", "\"{a\"", "a:{b", "a:b:{c", "a:{b}c", "x:y{z", ":{", "a:{b}", "{a:{b}", "{a:{b}}x",
            "\"a {b\"", "a \"{b\"", "{\"}\"}", "x}", "}{", "{ } }", "a:{b c}", "x{y z", "x{y} {z", "x{y {z}",
            "a:b{c d", "a: {b", "Local delivery is off", "ESMTP {ready}now",
        ]
        for v in values {
            try Data("smtpd_banner = \(v)\nmyhostname = mx.example.com\n".utf8)
                .write(to: dir.appendingPathComponent("main.cf"))
            let real = try TestSupport.run(postconf, ["-c", dir.path, "smtpd_banner"])
            let warns = real.stderr.contains("missing '}'") || real.stderr.contains("syntax error after '}'")
            var refused = false
            do { try ConfigText.braces(v, at: "gateway.banner") } catch { refused = true }
            XCTAssertEqual(refused, warns, "`\(v)`: postconf says \(real.stderr)")
        }
    }
}
