import XCTest
import TestSupport
@testable import PostfixConfig
@testable import Lint

/// `$name` expansion at scale and at Postfix's nesting limit (issue 10 item 9): each parameter
/// is expanded once per scope, loops and chains deeper than 100 levels fail exactly where
/// Postfix's do (postconf is the oracle), and no input costs more than one pass.
final class ExpansionNestingTests: XCTestCase {
    /// `p0 = x`, `pN = $pN-1 $pN-1 ...` (eight references a level), eight levels: the value of
    /// p8 is 8^8 copies of `x` with spaces. Every parameter is expanded once, so memory stays
    /// near the size of the result (the old recursion held every copy of every level).
    func testEightLevelsOfRepeatedReferencesExpandOncePerParameter() {
        var text = "p0 = x\n"
        for n in 1...8 { text += "p\(n) = " + Array(repeating: "$p\(n - 1)", count: 8).joined(separator: " ") + "\n" }
        text += "myhostname = ${p8?mx.example.com}\n"
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: text))
        let scope = config.parameters(for: nil)
        let p8 = scope.value("p8")
        XCTAssertEqual(p8.utf8.count, 2 * 16_777_216 - 1)
        XCTAssertEqual(p8.prefix(8), "x x x x ")
        XCTAssertEqual(scope.value("myhostname"), "mx.example.com")
        // p0...p7 each expanded once (p8 is the text asked for; `${p8?...}` only tests it).
        XCTAssertEqual(scope.memo.count, 8)
        XCTAssertTrue(ExpansionNestingRule().check(config).isEmpty)
    }

    /// A chain of 5,000 parameters: the top is far past Postfix's 100 levels and fails; the
    /// linter says so once, at the known parameter that starts it.
    func testChainOfFiveThousandParametersFailsLikePostfix() {
        var text = "p0 = base\n"
        for n in 1..<5000 { text += "p\(n) = $p\(n - 1)\n" }
        text += "myhostname = $p4999\nmydomain = $p98\n"
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: text))
        let findings = ExpansionNestingRule().check(config)
        XCTAssertEqual(findings.map(\.span.line), [5001], "\(findings.map(\.message))")
        XCTAssertEqual(findings.first?.id, "GW3011")
        XCTAssertTrue(findings.first?.message.contains("more than 100 levels") ?? false, "\(findings.map(\.message))")
        XCTAssertEqual(config.parameters(for: nil).value("mydomain"), "base")
    }

    /// 100,000 plain parameters and one that names them all: one pass.
    func testOneHundredThousandPlainParameters() {
        var text = ""
        for n in 0..<100_000 { text += "p\(n) = v\(n)\n" }
        text += "myhostname = $p0.$p99999\n"
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: text))
        XCTAssertEqual(config.parameters(for: nil).value("myhostname"), "v0.v99999")
        XCTAssertTrue(ExpansionNestingRule().check(config).isEmpty)
    }

    /// The loops of the rule's rationale, reported with the loop spelled out.
    func testLoopIsReportedWithItsPath() {
        let text = "myhostname = $a\na = x$b\nb = $a\nmydomain = $myhostname\n"
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: text))
        let findings = ExpansionNestingRule().check(config)
        XCTAssertEqual(findings.map(\.span.line), [1, 4])
        XCTAssertTrue(findings[0].message.contains("`$a` -> `$b` -> `$a` is a loop"), findings[0].message)
        var e = config.parameters(for: nil).expander()
        XCTAssertEqual(e.expand("$a"), "x")
        XCTAssertEqual(e.nestingError?.loop, "a")
    }

    /// Postfix is the oracle for where the limit lies: `myhostname = $pN-1`, `pK = $pK-1`,
    /// `p0 = base` works up to N = 100 and fails from 101 on (`unreasonable macro call
    /// nesting`); the same for conditional texts, which nest one level as values do.
    func testNestingLimitMatchesPostconf() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let dir = try TestSupport.makeTempDir("expansion-limit")
        defer { try? FileManager.default.removeItem(at: dir) }
        FileManager.default.createFile(atPath: dir.appendingPathComponent("master.cf").path, contents: Data())
        var cases: [(String, String)] = []
        for n in [99, 100, 101, 102] {
            var text = "p0 = base\n"
            for k in 1..<n { text += "p\(k) = $p\(k - 1)\n" }
            cases.append(("chain of \(n)", text + "myhostname = $p\(n - 1)\n"))
            var cond = "p0 = base\n"
            for k in 1..<n { cond += "p\(k) = ${p\(k - 1)?{$p\(k - 1)}}\n" }
            cases.append(("conditional chain of \(n)", cond + "myhostname = $p\(n - 1)\n"))
        }
        cases.append(("loop", "myhostname = $a\na = $b\nb = $a\n"))
        cases.append(("self-test", "myhostname = x${myhostname?y}\n"))
        cases.append(("test of a loop", "a = $b\nb = $a\nmyhostname = [${a?yes}]\n"))
        for (name, text) in cases {
            try Data(text.utf8).write(to: dir.appendingPathComponent("main.cf"))
            let real = try TestSupport.run(postconf, ["-c", dir.path, "myhostname"])
            let postfixFails = real.stderr.contains("unreasonable macro call nesting")
            XCTAssertEqual(postfixFails, real.status != 0, "\(name): \(real.stderr)")
            let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: text))
            let line = text.split(separator: "\n").firstIndex { $0.hasPrefix("myhostname =") }! + 1
            let ours = ExpansionNestingRule().check(config).contains { $0.span.line == line }
            XCTAssertEqual(ours, postfixFails, "\(name): postconf says \(real.stderr)")
        }
    }

    /// `${name?text}` and `${name:text}` test the raw value, unexpanded, as postconf does.
    func testConditionalsTestTheRawValueLikePostconf() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let dir = try TestSupport.makeTempDir("expansion-test-mode")
        defer { try? FileManager.default.removeItem(at: dir) }
        FileManager.default.createFile(atPath: dir.appendingPathComponent("master.cf").path, contents: Data())
        let text = """
            refers_to_nothing = $no_such_parameter_here
            empty =
            a = $b
            b = $a
            myhostname = [${refers_to_nothing?set}${refers_to_nothing:unset}|${empty?set}${empty:unset}|${a?loop-tested}]

            """
        try Data(text.utf8).write(to: dir.appendingPathComponent("main.cf"))
        let real = try TestSupport.run(postconf, ["-c", dir.path, "-x", "-h", "myhostname"])
        XCTAssertEqual(real.stdout, "[set|unset|loop-tested]\n", real.stderr)
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: text))
        XCTAssertEqual(config.parameters(for: nil).value("myhostname") + "\n", real.stdout)
    }
}
