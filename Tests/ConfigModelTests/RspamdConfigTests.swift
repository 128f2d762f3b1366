import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import Diagnostics
@testable import GatewayCompiler

/// `[content-filter] engine = rspamd`: what gateway.conf says becomes the rspamd model, what only
/// one engine reads is refused under the other, and the same file builds either stack.
final class RspamdConfigTests: XCTestCase {
    static let base = SyntaxFinding.base

    func parse(_ text: String, _ overrides: [String] = []) -> (GatewayDocument?, [String]) {
        let r = GatewayParser.parse(text: Self.base + text, file: "g.conf", overrides: overrides)
        return (r.document, r.diagnostics.map { "\($0.id)@\($0.span.line):\($0.span.column) \($0.message)" })
    }

    static let rspamd = """
        [greylisting]
        delay = 60
        expiry = 12h
        [antivirus]
        socket = /var/run/clamav/clamd.sock
        [content-filter]
        engine = rspamd
        listen = 192.168.40.3:11332
        max-servers = 4
        [spamassassin]
        required-score = 6.5
        [policyd-weight]
        listen = 192.168.40.3:12525
        [rspamd]
        redis = 192.168.40.9, 192.168.40.10:6380
        reject-score = 20
        greylist-score = 2
        virus = quarantine
        dns = 192.168.40.1

        """

    func testSectionsBecomeTheRspamdModel() throws {
        let (doc, diags) = parse(Self.rspamd)
        XCTAssertEqual(diags, [])
        let g = try XCTUnwrap(doc).gateway
        let r = try XCTUnwrap(g.rspamd)
        XCTAssertEqual(r.milter.description, "192.168.40.3:11332")
        XCTAssertEqual(r.workers, 4)
        XCTAssertEqual(r.redis.map(\.description), ["192.168.40.9:6379", "192.168.40.10:6380"])
        XCTAssertEqual(r.greylist, RspamdGreylist(delay: 60, expiry: 43_200, minimumScore: 2))
        XCTAssertEqual(r.addHeaderScore, 6.5)
        XCTAssertEqual(r.rejectScore, 20)
        XCTAssertEqual(r.virusAction, .quarantine)
        XCTAssertEqual(r.dns.map(\.description), ["192.168.40.1:53"])
        // No amavis pair, postgrey, policyd-weight or SpamAssassin is built beside it.
        XCTAssertNil(g.contentFilter)
        XCTAssertNil(g.greylisting)
        XCTAssertNil(g.policydWeight)
        XCTAssertNil(g.spamassassin)
        XCTAssertNotNil(g.antivirus)

        let tree = try GatewayEmitter.emit(g)
        let actions = try XCTUnwrap(tree.file("etc/rspamd/local.d/actions.conf")).contents
        XCTAssertTrue(actions.contains("add_header = 6.5;\nreject = 20.0;"), actions)
        XCTAssertTrue(actions.contains("greylist = 2.0;"), actions)
        XCTAssertTrue(try XCTUnwrap(tree.file("etc/rspamd/local.d/antivirus.conf")).contents.contains("action = \"quarantine\";"))
        XCTAssertTrue(try XCTUnwrap(tree.file("etc/rspamd/local.d/redis.conf")).contents
            .contains("servers = \"192.168.40.9:6379,192.168.40.10:6380\";"))
        let main = try XCTUnwrap(tree.file("etc/postfix/main.cf")).contents
        XCTAssertTrue(main.contains("smtpd_milters = inet:192.168.40.3:11332\n"), main)
        XCTAssertFalse(main.contains("\ncontent_filter =") || main.contains("check_policy_service"), main)
    }

    func testTheSameFileBuildsEitherEngine() throws {
        let amavis = Self.rspamd.replacingOccurrences(of: "engine = rspamd\n", with: "reinject = 192.168.40.3:10025\n")
            .replacingOccurrences(of: "delay = 60\nexpiry = 12h\n", with: "listen = 192.168.40.3:10023\ndelay = 60\n")
        let rspamdOnly = amavis.components(separatedBy: "[rspamd]").first ?? ""
        let (doc, diags) = parse(rspamdOnly)
        XCTAssertEqual(diags, [])
        XCTAssertNil(doc?.gateway.rspamd)
        XCTAssertNotNil(doc?.gateway.contentFilter)
        // `--set` switches the engine; postgrey's listen and amavis's reinject are then unused.
        let (switched, d2) = parse(rspamdOnly, ["content-filter.engine=rspamd", "rspamd.redis=192.168.40.9"])
        XCTAssertEqual(d2, [])
        XCTAssertEqual(switched?.gateway.rspamd?.greylist?.delay, 60)
        XCTAssertNil(switched?.gateway.greylisting)
    }

    func testWhatOneEngineReadsIsRefusedUnderTheOther() {
        let (_, d1) = parse("[content-filter]\nlisten = 192.168.40.3:10024\nreinject = 192.168.40.3:10025\n[rspamd]\nredis = 192.168.40.9\n")
        XCTAssertEqual(d1, ["GW1013@15:2 `[rspamd]` is read only with `engine = rspamd`"])
        let (_, d2) = parse("[greylisting]\nlisten = 192.168.40.3:10023\nexpiry = 1d\n")
        XCTAssertEqual(d2, ["GW1013@14:1 `expiry` is rspamd's greylisting; postgrey is not told it"])
        let (_, d3) = parse("[content-filter]\nengine = rspamid\nlisten = 192.168.40.3:10024\n")
        XCTAssertEqual(d3, ["GW1013@13:10 unknown content-filter engine `rspamid`"])
        // rspamd needs no reinject, but still its milter address.
        let (_, d4) = parse("[content-filter]\nengine = rspamd\n")
        XCTAssertEqual(d4, ["GW1012@12:2 missing required key `listen` in `[content-filter]`"])
    }

    func testThresholdsMustBeOrdered() {
        let (_, d1) = parse("[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n[rspamd]\nreject-score = 4\n")
        XCTAssertEqual(d1.map { String($0.prefix(12)) }, ["GW1013@16:16"])
        let (_, d2) = parse("[greylisting]\ndelay = 600\nexpiry = 5m\n[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n")
        XCTAssertEqual(d2.map { String($0.prefix(12)) }, ["GW1013@14:10"])
        let (_, d3) = parse("[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n[rspamd]\nvirus = drop\nreject-score = off\n")
        XCTAssertEqual(d3.map { String($0.prefix(12)) }, ["GW1013@16:9 "])
        let (doc, d4) = parse("[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n[rspamd]\nreject-score = off\n")
        XCTAssertEqual(d4, [])
        XCTAssertNil(doc?.gateway.rspamd?.rejectScore)
    }
}
