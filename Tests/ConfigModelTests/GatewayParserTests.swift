import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import Diagnostics
@testable import PostfixConfig

final class GatewayParserTests: XCTestCase {
    static let base = SyntaxFinding.base

    func parse(_ text: String, overrides: [String] = []) -> (GatewayDocument?, [Diagnostic]) {
        let r = GatewayParser.parse(text: text, file: "g.conf", overrides: overrides)
        return (r.document, r.diagnostics)
    }

    func parseBytes(_ bytes: [UInt8]) -> (GatewayDocument?, [Diagnostic]) {
        let r = bytes.withUnsafeBufferPointer { GatewayParser.parse(bytes: $0, file: "g.conf", readFiles: false) }
        return (r.document, r.diagnostics)
    }

    func where_(_ d: [Diagnostic]) -> [String] { d.map { "\($0.id)@\($0.span.line):\($0.span.column)" } }

    func testSpansPointAtValuesAndItems() throws {
        let (doc, diags) = parse(Self.base + "[helo]\n  /^a=b$/ = REJECT no\n")
        XCTAssertEqual(diags, [])
        let d = try XCTUnwrap(doc)
        XCTAssertEqual(d.spans["gateway.hostname"], SourceSpan(file: "g.conf", line: 2, column: 12, endLine: 2, endColumn: 28))
        XCTAssertEqual(d.spans["relay.trusted[0]"]?.column, 11)
        XCTAssertEqual(d.spans["recipients[0]"]?.line, 11)
        XCTAssertEqual(d.spans["helo.patterns[0].key"], SourceSpan(file: "g.conf", line: 13, column: 3, endLine: 13, endColumn: 10))
        XCTAssertEqual(d.spans["helo.patterns[0].value"]?.column, 13)
        XCTAssertEqual(d.gateway.helo.patterns, [.init(regex: "/^a=b$/", action: .reject(text: "no"))])
        XCTAssertEqual(d.span("helo.patterns[7].key"), d.spans["helo"], "unknown paths fall back to the section")
    }

    func testBOMAndCRLFAreAccepted() {
        let crlf = Self.base.replacingOccurrences(of: "\n", with: "\r\n")
        let (doc, diags) = parseBytes([0xEF, 0xBB, 0xBF] + Array(crlf.utf8))
        XCTAssertEqual(diags, [])
        XCTAssertEqual(doc?.gateway.identity.hostname.value, "spam.example.com")
        XCTAssertEqual(doc?.spans["gateway"]?.column, 2, "the BOM takes no column")
    }

    func testInvalidUTF8AndNULAreReportedAtTheirColumn() {
        var bytes = Array(Self.base.utf8)
        bytes += Array("[local]\nmessage = env".utf8) + [0xED, 0xA0, 0x80] + Array("o\n".utf8)
        bytes += Array("delivery = of".utf8) + [0] + Array("f\n".utf8)
        let (doc, diags) = parseBytes(bytes)
        XCTAssertNil(doc)
        XCTAssertEqual(where_(diags), ["GW1004@13:14", "GW1005@14:14"])
    }

    func testHugeLineIsRefusedWithoutTrapping() {
        let line = "[local]\nmessage = " + String(repeating: "x", count: 10 << 20) + "\n"
        let (doc, diags) = parse(Self.base + line)
        XCTAssertNil(doc)
        XCTAssertEqual(where_(diags), ["GW1006@13:1"])
    }

    func testHundredThousandSections() {
        var text = Self.base
        for i in 0..<100_000 { text += "[s\(i)]\n" }
        let (doc, diags) = parse(text)
        XCTAssertNil(doc)
        XCTAssertEqual(diags.count, 100_000)
        XCTAssertTrue(diags.allSatisfy { $0.id == "GW1008" })
    }

    func testEmptyAndCommentOnlyFiles() {
        XCTAssertEqual(where_(parse("").1), ["GW1003@1:1"])
        XCTAssertEqual(where_(parse("# nothing\n; nothing\n\n").1), ["GW1003@1:1"])
    }

    func testTrailingTextIsDataNotComment() throws {
        let (doc, diags) = parse(Self.base + "[local]\nmessage = local mail # is off\n")
        XCTAssertEqual(diags, [])
        XCTAssertEqual(try XCTUnwrap(doc).gateway.local.message, "local mail # is off")
    }

    func testOverridesApplyBeforeValidation() throws {
        let (doc, diags) = parse(Self.base, overrides: ["gateway.platform=freebsd", "gateway.postfix = 2.8"])
        XCTAssertEqual(diags, [])
        XCTAssertEqual(try XCTUnwrap(doc).gateway.identity.platform, .freebsd)
        XCTAssertEqual(doc?.gateway.identity.postfix, PostfixVersion(2, 8))
        XCTAssertEqual(doc?.spans["gateway.platform"]?.file, "--set")

        let bad = parse(Self.base, overrides: ["gateway.postfx=3.7", "nonsense", "clients.hotmail.com=OK", "gateway.platform=solaris"])
        XCTAssertNil(bad.0)
        XCTAssertEqual(bad.1.map(\.id), ["GW1009", "GW1016", "GW1016", "GW1013"])
        XCTAssertEqual(bad.1.first?.fix, "did you mean `gateway.postfix`?")
    }

    /// `table-type`: hash by default on both platforms; a type the target's Postfix lacks (lmdb
    /// before 2.11) or an unknown one is an error at the value, with a suggestion.
    func testTableType() throws {
        let (doc, diags) = parse(Self.base)
        XCTAssertEqual(diags, [])
        XCTAssertNil(doc?.gateway.identity.tableType)
        for platform in ["debian", "freebsd"] {
            for version in ["2.8", "3.7", "3.11"] {
                let d = parse(Self.base, overrides: ["gateway.platform=\(platform)", "gateway.postfix=\(version)"])
                XCTAssertEqual(d.0?.gateway.identity.effectiveTableType, .hash, "\(platform) \(version)")
            }
        }
        let lmdb = parse(Self.base, overrides: ["gateway.table-type=LMDB"])
        XCTAssertEqual(lmdb.1, [])
        XCTAssertEqual(lmdb.0?.gateway.identity.effectiveTableType, .lmdb)
        let old = parse(Self.base + "", overrides: ["gateway.postfix=2.8", "gateway.table-type=lmdb"])
        XCTAssertNil(old.0)
        XCTAssertEqual(old.1.map(\.id), ["GW1013"])
        XCTAssertEqual(old.1.first?.message, "Postfix 2.8 has no `lmdb` tables (they came with Postfix 2.11)")
        XCTAssertEqual(parse(Self.base, overrides: ["gateway.postfix=2.8", "gateway.table-type=cdb"]).1, [])
        let unknown = parse(Self.base.replacingOccurrences(of: "[relay]", with: "table-type = pcre\n\n[relay]"))
        XCTAssertEqual(where_(unknown.1), ["GW1013@5:14"])
        XCTAssertEqual(unknown.1.first?.message, "unknown table type `pcre`")
    }

    func testValuesAreValidated() {
        let cases: [(String, String)] = [
            ("[greylisting]\nlisten = 192.168.40.3:70000\n", "GW1013"),
            ("[greylisting]\nlisten = 192.168.40.3\n", "GW1013"),
            ("[antivirus]\nstream-max-length = 10Q\n", "GW1013"),
            ("[clients]\nhotmail.com = 554\n", "GW1013"),
            ("[clients]\nhotmail.com = RELAY\n", "GW1013"),
            ("[senders]\nexample.net = REJECT costs $5\n", "GW1014"),
            ("[gateway]\nbanner = $myhostname ESMTP\n", "GW1014"),
            ("[antivirus]\nsocket = /var/run/clamd,sock\n", "GW1014"),
            ("[restrictions]\nrecipient = check_client_access hash:$config_directory/x\n", "GW1014"),
            ("[dnsbl]\nzen.spamhaus.org = 127.0.0.[11..2]\n", "GW1013"),
            ("[checks]\nwarn-only = reject_invalid_hostname\n", "GW1013"),
            ("[helo]\n/^x/z = REJECT\n", "GW1013"),
            ("[aliases]\npostmaster = nobody\n", "GW1013"),
            ("[checks]\nfqdn = helo, sender, HELO\n", "GW1011"),
            ("[helo]\n/^a\u{1}b/ = REJECT\n", "GW1014"),
        ]
        for (section, id) in cases {
            // A second `[gateway]` would be a duplicate section: extend the first one instead.
            let text = section.hasPrefix("[gateway]")
                ? Self.base.replacingOccurrences(of: "[gateway]\n", with: section)
                : Self.base + section
            let (doc, diags) = parse(text)
            XCTAssertNil(doc, section)
            XCTAssertEqual(diags.map(\.id), [id], "\(section): \(diags.map(\.message))")
        }
    }

    func testMissingRequiredKeysAndSections() {
        let (_, diags) = parse("[gateway]\ndomain = example.com\n[greylisting]\ndelay = 300\n")
        XCTAssertEqual(diags.map(\.message), [
            "missing required key `hostname` in `[gateway]`",
            "missing section `[relay]`",
            "missing required key `listen` in `[greylisting]`",
        ])
    }

    func testRecipientFileIsResolvedAndStreamed() throws {
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "# users\nusuario1@example.com OK\r\n\n  usuario2@Example.COM\nbroken\nx@y.com maybe\n".write(
            to: dir.appendingPathComponent("rcpt.txt"), atomically: true, encoding: .utf8)
        let conf = dir.appendingPathComponent("gateway.conf").path
        try Self.base.replacingOccurrences(of: "usuario1@example.com\n", with: "file = rcpt.txt\n")
            .write(toFile: conf, atomically: true, encoding: .utf8)
        let r = GatewayLoader.load(path: conf)
        XCTAssertEqual(r.diagnostics.map { "\($0.span.file.hasSuffix("rcpt.txt")):\($0.span.line):\($0.span.column)" },
                       ["true:5:1", "true:6:9"])
        var items: [String] = []
        try RecipientFile.forEachAddress(path: dir.appendingPathComponent("rcpt.txt").path) { item in
            if item.problem == nil { items.append("\(item.line):\(item.address)") }
        }
        XCTAssertEqual(items, ["2:usuario1@example.com", "4:usuario2@Example.COM"])
    }

    func testRecipientFileMissingOrDirectory() throws {
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("adir"), withIntermediateDirectories: true)
        for (target, reason) in [("missing.txt", "no such file"), ("adir", "is a directory")] {
            let conf = dir.appendingPathComponent("gateway.conf").path
            try Self.base.replacingOccurrences(of: "usuario1@example.com\n", with: "file = \(target)\n")
                .write(toFile: conf, atomically: true, encoding: .utf8)
            let r = GatewayLoader.load(path: conf)
            XCTAssertFalse(r.unreadable, "the config itself was read")
            XCTAssertEqual(r.diagnostics.map(\.id), ["GW1015"])
            XCTAssertEqual(r.diagnostics.first?.span.line, 11)
            XCTAssertEqual(r.diagnostics.first?.span.column, 8)
            XCTAssertTrue(r.diagnostics.first?.message.hasSuffix(reason) == true, r.diagnostics.first?.message ?? "")
        }
    }

    func testUnreadableConfigIsFlaggedForExit2() throws {
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertTrue(GatewayLoader.load(path: dir.path).unreadable)
        XCTAssertTrue(GatewayLoader.load(path: dir.appendingPathComponent("nope.conf").path).unreadable)
    }

    func testAccessActions() throws {
        XCTAssertEqual(try AccessAction(parsing: "ok"), .ok)
        XCTAssertEqual(try AccessAction(parsing: "REJECT"), .reject(text: nil))
        XCTAssertEqual(try AccessAction(parsing: "reject  go away"), .reject(text: "go away"))
        XCTAssertEqual(try AccessAction(parsing: "450 4.7.1 later"), .code(450, text: "4.7.1 later"))
        XCTAssertEqual(try AccessAction(parsing: "WARN"), .warn(text: ""))
        XCTAssertThrowsError(try AccessAction(parsing: "554")) { XCTAssertEqual($0 as? AccessAction.ParseError, .bareCode("554")) }
        XCTAssertThrowsError(try AccessAction(parsing: "250 fine"))
        XCTAssertThrowsError(try AccessAction(parsing: "OK fine"))
        XCTAssertThrowsError(try AccessAction(parsing: "DISCARD"))
    }
}
