import XCTest
import TestSupport
@testable import ConfigModel
@testable import Diagnostics
@testable import PostfixConfig
@testable import Lint

final class PostfixReaderTests: XCTestCase {
    func testMainCfContinuationCommentsAndSpans() {
        let text = """
        # comment
        myhostname = mx.example.com
        smtpd_recipient_restrictions = permit_mynetworks,
        # dropped comment inside the entry
            check_helo_access hash:/etc/postfix/helo_access,
            reject_unauth_destination
        mynetworks = 127.0.0.0/8   # data, not a comment

        """
        let m = MainCf(file: "main.cf", text: text)
        XCTAssertTrue(m.diagnostics.isEmpty)
        XCTAssertEqual(m.entries.map(\.name), ["myhostname", "smtpd_recipient_restrictions", "mynetworks"])
        XCTAssertEqual(m.parameters["mynetworks"]?.value, "127.0.0.0/8   # data, not a comment")
        let scope = PostfixConfigSet(mainCf: m).parameters(for: nil)
        let items = scope.list("smtpd_recipient_restrictions")
        XCTAssertEqual(items.map(\.text), ["permit_mynetworks", "check_helo_access", "hash:/etc/postfix/helo_access",
                                           "reject_unauth_destination"])
        XCTAssertEqual(items[0].span, SourceSpan(file: "main.cf", line: 3, column: 32, endLine: 3, endColumn: 49))
        XCTAssertEqual(items[2].span, SourceSpan(file: "main.cf", line: 5, column: 23, endLine: 5, endColumn: 52))
        XCTAssertEqual(items[3].span?.line, 6)
        XCTAssertEqual(items[3].span?.column, 5)
    }

    func testLastWinsWithWarningAndSyntaxErrors() {
        let m = MainCf(file: "main.cf", text: "  orphan\na = 1\nbroken line\na = 2\n")
        XCTAssertEqual(m.parameters["a"]?.value, "2")
        XCTAssertEqual(m.diagnostics.map(\.id).sorted(), ["GW3001", "GW3001", "GW3002"])
        let dup = m.diagnostics.first { $0.id == "GW3002" }
        XCTAssertEqual(dup?.span.line, 4)
        XCTAssertEqual(dup?.notes.first?.span?.line, 2)
    }

    func testExpansionForms() {
        let vars = ["a": "A", "empty": "", "ref": "$a-$(a)-${a}", "loop": "$loop", "lvl": "3.6"]
        var e = Expander { vars[$0] }
        XCTAssertEqual(e.expand("$ref"), "A-A-A")
        XCTAssertEqual(e.expand("${a?yes}${empty?no}"), "yes")
        XCTAssertEqual(e.expand("${a:no}${empty:yes}"), "yes")
        XCTAssertEqual(e.expand("${a?{x}:{y}} ${empty?{x}:{y}}"), "x y")
        XCTAssertEqual(e.expand("$$a costs $$5"), "$a costs $5")
        XCTAssertEqual(e.expand("[$undefined]"), "[]")
        XCTAssertEqual(e.expand("$loop"), "")
        XCTAssertEqual(e.expand("${{$lvl} <level {3.6} ? {old} : {new}}"), "new")
        XCTAssertEqual(e.expand("${{$lvl} <level {10} ? {old} : {new}}"), "old")
        XCTAssertEqual(e.expand("${{$a} == {A} ? {eq} : {ne}}"), "eq")
        XCTAssertEqual(e.undefined, ["undefined"])
    }

    func testListSplittingWithGroups() {
        XCTAssertEqual(PostfixList.split("a, b\tc,,d\n e"), ["a", "b", "c", "d", "e"])
        XCTAssertEqual(PostfixList.split("check_policy_service { inet:127.0.0.1:10023, timeout=10s }, reject"),
                       ["check_policy_service", "{ inet:127.0.0.1:10023, timeout=10s }", "reject"])
        XCTAssertEqual(PostfixList.ungroup("{ inet:127.0.0.1:10023, timeout=10s }"), "inet:127.0.0.1:10023, timeout=10s")
    }

    func testMasterCfOverridesBothForms() {
        let text = """
        smtp      inet  n       -       y       -       -       smtpd
        #  -o commented=out
        127.0.0.1:10025 inet n  -       n       -       -       smtpd
          -o content_filter=
          -o { smtpd_client_restrictions = permit_mynetworks, reject }
          -omynetworks=127.0.0.0/8
        pickup    unix  n       -       y       60      1       pickup
        """
        let m = MasterCf(file: "master.cf", text: text)
        XCTAssertTrue(m.diagnostics.isEmpty, "\(m.diagnostics)")
        XCTAssertEqual(m.services.map(\.name), ["smtp", "127.0.0.1:10025", "pickup"])
        let reinject = m.services[1]
        XCTAssertEqual(reinject.overrides.map(\.name), ["content_filter", "smtpd_client_restrictions", "mynetworks"])
        XCTAssertEqual(reinject.overrides.map(\.value), ["", "permit_mynetworks, reject", "127.0.0.0/8"])
        XCTAssertEqual(reinject.overrides[1].valueSpan.line, 5)
        XCTAssertEqual(reinject.overrides[1].valueSpan.column, 36)
        let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: "smtpd_client_restrictions = reject\n"),
                                      masterCf: m)
        XCTAssertEqual(config.smtpdServices.count, 2)
        let items = config.parameters(for: reinject).list("smtpd_client_restrictions")
        XCTAssertEqual(items.map(\.text), ["permit_mynetworks", "reject"])
        XCTAssertEqual(items[1].span?.file, "master.cf")
        XCTAssertEqual(config.parameters(for: m.services[0]).value("smtpd_client_restrictions"), "reject")
    }

    func testDefaultsFollowCompatibilityLevelAndVersion() {
        func scope(_ main: String, _ v: PostfixVersion = PostfixVersion(3, 7)) -> ParameterScope {
            PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: main), version: v).parameters(for: nil)
        }
        XCTAssertEqual(scope("compatibility_level = 3.6\n").list("smtpd_relay_restrictions").map(\.text),
                       ["permit_mynetworks", "permit_sasl_authenticated", "defer_unauth_destination"])
        XCTAssertTrue(scope("compatibility_level = 3.6\n").list("smtpd_relay_restrictions").allSatisfy { $0.span == nil })
        XCTAssertEqual(scope("").value("smtpd_relay_restrictions"), "")
        XCTAssertEqual(scope("compatibility_level = 3.6\n").relayListsInOrder,
                       ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"])
        XCTAssertEqual(scope("compatibility_level = 2\n").relayListsInOrder,
                       ["smtpd_recipient_restrictions", "smtpd_relay_restrictions"])
        XCTAssertEqual(scope("", PostfixVersion(2, 8)).relayListsInOrder, ["smtpd_recipient_restrictions"])
        XCTAssertEqual(scope("", PostfixVersion(2, 8)).value("smtpd_recipient_restrictions"),
                       "permit_mynetworks, reject_unauth_destination")
        XCTAssertEqual(scope("mydestination = a.example\n").value("relay_domains"), "a.example")
        XCTAssertEqual(scope("compatibility_level = 2\nmydestination = a.example\n").value("relay_domains"), "")
        // `$name` items keep the span of the definition they come from.
        let s = scope("mua = permit_sasl_authenticated, reject\nsmtpd_recipient_restrictions = $mua\n")
        XCTAssertEqual(s.list("smtpd_recipient_restrictions").map { $0.span?.line }, [1, 1])
    }

    func testMapPathsResolveInsideLintedDirectory() {
        let c = PostfixConfigSet(root: "/tmp/lintdir", mainCf: MainCf(file: "main.cf", text: "x = 1\n"))
        let p = c.parameters(for: nil)
        XCTAssertEqual(c.localPath("/etc/postfix/helo_access", in: p), "/tmp/lintdir/helo_access")
        XCTAssertEqual(c.localPath("/var/lib/x", in: p), "/var/lib/x")
        let c2 = PostfixConfigSet(root: "/tmp/l", mainCf: MainCf(file: "main.cf", text: "config_directory = /usr/local/etc/postfix\n"))
        XCTAssertEqual(c2.localPath("/usr/local/etc/postfix/access", in: c2.parameters(for: nil)), "/tmp/l/access")
    }

    /// postconf is the oracle for expansion and for master.cf overrides.
    func testExpansionAgreesWithPostconf() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let main = """
        compatibility_level = 3.6
        mydomain = example.org
        myhostname = mx.$mydomain
        mydestination = $myhostname, localhost.${mydomain}, $(mydomain)
        empty_one =
        cond_a = ${mydomain?{has $mydomain}:{none}}
        cond_b = ${empty_one?{has}:{none}} ${empty_one:fallback} $$literal
        mua_restrictions = permit_sasl_authenticated,
            reject
        smtpd_recipient_restrictions = permit_mynetworks, $mua_restrictions
        smtpd_banner = $cond_a | $cond_b
        """
        let master = """
        smtp inet n - y - - smtpd
        submission inet n - y - - smtpd
          -o { smtpd_recipient_restrictions = permit_sasl_authenticated, reject }
          -o mydomain=sub.example.org
        """
        try main.write(to: dir.appendingPathComponent("main.cf"), atomically: true, encoding: .utf8)
        try master.write(to: dir.appendingPathComponent("master.cf"), atomically: true, encoding: .utf8)
        let config = try PostfixConfigSet.load(directory: dir.path)
        let scope = config.parameters(for: nil)
        for name in ["myhostname", "mydestination", "smtpd_banner", "smtpd_recipient_restrictions",
                     "smtpd_relay_restrictions", "relay_domains", "mynetworks_style"] {
            let r = try TestSupport.run(postconf, ["-c", dir.path, "-x", "-h", name])
            // postconf folds whitespace when it prints; compare item by item.
            XCTAssertEqual(scope.value(name).split(whereSeparator: \.isWhitespace),
                           r.stdout.split(whereSeparator: \.isWhitespace), name)
        }
        let p = try TestSupport.run(postconf, ["-c", dir.path, "-P"])
        var ours: [String] = []
        for s in config.masterCf?.services ?? [] {
            for o in s.overrides { ours.append("\(s.name)/\(s.type)/\(o.name) = \(o.value)") }
        }
        XCTAssertEqual(ours.sorted(), p.stdout.split(separator: "\n").map(String.init).sorted())
    }
}

/// Random input from the characters that drive the parsers (`$ { } ( ) = , # \n` and spaces)
/// never traps, and every finding has a position inside the file.
final class PostfixReaderRobustnessTests: XCTestCase {
    func testRandomInputNeverTraps() {
        let alphabet = Array("ab_$${}(){}=,:?# \t\n\n-o-oxyz012./[]!".utf8)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let n = Int.random(in: 0..<200, using: &rng)
            let bytes = (0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            let main = MainCf(file: "main.cf", bytes: bytes)
            let master = MasterCf(file: "master.cf", bytes: bytes.reversed())
            let config = PostfixConfigSet(mainCf: main, masterCf: master, memoryFiles: ["helo": bytes])
            let found = PostfixLinter.lint(config)
            let lines = bytes.filter { $0 == 0x0a }.count + 1
            for d in found where d.span.file == "main.cf" {
                XCTAssertTrue((1...lines).contains(d.span.line), "\(d)")
            }
            var e = Expander { name in main.parameters[name]?.value }
            _ = e.expand(String(decoding: bytes, as: UTF8.self))
        }
    }
}
