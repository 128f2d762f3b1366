import XCTest
@testable import ConfigModel
@testable import PostfixConfig
@testable import GatewayCompiler

/// Properties of the emitted files that hold for any model (the goldens pin the seed's text).
final class EmitterTests: XCTestCase {
    private func emit(_ g: Gateway) throws -> EmittedTree { try GatewayEmitter.emit(g) }
    private func text(_ t: EmittedTree, _ path: String) throws -> String { try XCTUnwrap(t.file(path)).contents }

    func testPlatformLayout() throws {
        let bsd = try emit(SeedFixture.gateway())
        XCTAssertNotNil(bsd.file("usr/local/etc/postfix/main.cf"))
        XCTAssertNotNil(bsd.file("usr/local/etc/amavisd.conf"))
        XCTAssertNotNil(bsd.file("etc/rc.conf.local"))
        let deb = try emit(SeedFixture.gateway(platform: .debian, postfix: PostfixVersion(3, 7)))
        XCTAssertNotNil(deb.file("etc/postfix/main.cf"))
        XCTAssertNotNil(deb.file("etc/amavis/conf.d/50-user"))
        XCTAssertNotNil(deb.file("etc/default/postgrey"))
        XCTAssertNil(deb.file("etc/rc.conf.local"))
        XCTAssertEqual(deb.maps.map { $0.map?.description }, [
            "hash:/etc/postfix/access_clients", "pcre:/etc/postfix/helo_checks", "hash:/etc/postfix/relay_recipients",
            "hash:/etc/postfix/sender_access", "hash:/etc/postfix/transport", "hash:/etc/postfix/virtual_alias_maps",
        ])
        XCTAssertEqual(deb.files.map(\.path), deb.files.map(\.path).sorted())
    }

    /// Every indexed table follows `table-type` (the pcre HELO table stays pcre); a cdb gateway
    /// keeps its read-write caches in btree; a type the target lacks is refused even when the
    /// model was built field by field.
    func testTableTypeReachesEveryIndexedTable() throws {
        var g = try SeedFixture.gateway(platform: .debian, postfix: PostfixVersion(3, 7))
        g.identity.tableType = .cdb
        g.postscreen = Postscreen()
        let tree = try emit(g)
        XCTAssertEqual(tree.maps.map { $0.map?.kind.rawValue }, ["cdb", "pcre", "cdb", "cdb", "cdb", "cdb"])
        let main = try text(tree, "etc/postfix/main.cf")
        XCTAssertTrue(main.contains("\ndefault_database_type = cdb\n"), main)
        XCTAssertTrue(main.contains("postscreen_cache_map = btree:$data_directory/postscreen_cache\n"), main)
        XCTAssertFalse(main.contains("hash:"), main)

        g.identity.tableType = .lmdb
        g.identity.postfix = PostfixVersion(2, 8)
        XCTAssertThrowsError(try emit(g))
    }

    func testDeterministic() throws {
        XCTAssertEqual(try emit(SeedFixture.gateway()), try emit(SeedFixture.gateway()))
    }

    func testOwnIPRulesAreEscaped() throws {
        var g = try SeedFixture.gateway()
        let helo = try text(emit(g), "usr/local/etc/postfix/helo_checks")
        XCTAssertTrue(helo.contains("/^203\\.0\\.113\\.25$/ REJECT You are not my IP\n"))
        XCTAssertTrue(helo.contains("/^\\[203\\.0\\.113\\.25\\]$/ REJECT You are not my IP\n"))
        g.identity.publicIP = IPAddress("2001:db8::25")
        let v6 = try text(emit(g), "usr/local/etc/postfix/helo_checks")
        XCTAssertTrue(v6.contains("/^\\[IPv6:2001:db8::25\\]$/ REJECT"))
    }

    func testDollarIsEscapedWhereItWouldExpand() throws {
        var g = try SeedFixture.gateway()
        g.local.message = "costs $5"
        g.helo.rejectOwnIP = .reject(text: "not my $1 IP")
        let t = try emit(g)
        XCTAssertTrue(try text(t, "usr/local/etc/postfix/main.cf").contains("local_transport = error:costs $$5\n"))
        XCTAssertTrue(try text(t, "usr/local/etc/postfix/helo_checks").contains("REJECT not my $$1 IP\n"))
    }

    func testControlCharactersNeverReachAFile() throws {
        var g = try SeedFixture.gateway()
        g.local.message = "off\nrelay_domains = *"
        XCTAssertThrowsError(try emit(g)) { XCTAssertEqual(($0 as? EmitError)?.keyPath, "local.message") }
        g = try SeedFixture.gateway()
        g.senders.rejectOwnDomain = .code(554, text: "no\u{0}pe")
        XCTAssertThrowsError(try emit(g)) { XCTAssertEqual(($0 as? EmitError)?.keyPath, "senders.reject-own-domain") }
        g = try SeedFixture.gateway()
        g.aliases = [Alias(name: "post master", target: try EmailAddress("a@example.com"))]
        XCTAssertThrowsError(try emit(g)) { XCTAssertEqual(($0 as? EmitError)?.keyPath, "aliases[0]") }
        g = try SeedFixture.gateway()
        g.dnsbls = [DNSBL(zone: try DomainName("zen.spamhaus.org"), replyFilter: "127.0.0.2, permit")]
        XCTAssertThrowsError(try emit(g)) { XCTAssertEqual(($0 as? EmitError)?.keyPath, "dnsbl[0]") }
        g = try SeedFixture.gateway()
        g.antivirus?.socket = "/run/clamd.sock\nTCPAddr 0.0.0.0"
        XCTAssertThrowsError(try emit(g)) { XCTAssertEqual(($0 as? EmitError)?.keyPath, "antivirus.socket") }
    }

    func testStreamMaxLengthBelowMessageSizeLimitIsRefused() throws {
        var g = try SeedFixture.gateway()
        g.antivirus?.streamMaxLength = ByteSize(bytes: 1 << 20)
        XCTAssertThrowsError(try emit(g)) { XCTAssertEqual(($0 as? EmitError)?.keyPath, "antivirus.stream-max-length") }
    }

    func testClamAVFilesShareTheDatabaseAndNotifyTheEmittedClamd() throws {
        let t = try emit(SeedFixture.gateway(platform: .debian, postfix: PostfixVersion(3, 7)))
        let clamd = try text(t, "etc/clamav/clamd.conf"), fresh = try text(t, "etc/clamav/freshclam.conf")
        XCTAssertTrue(clamd.contains("DatabaseDirectory /var/lib/clamav\n"))
        XCTAssertTrue(fresh.contains("DatabaseDirectory /var/lib/clamav\n"))
        XCTAssertTrue(fresh.contains("NotifyClamd /etc/clamav/clamd.conf\n"))
        XCTAssertFalse(clamd.contains("AllowSupplementaryGroups"))
    }

    func testLocalIsDisabledInMasterCf() throws {
        let master = try text(emit(SeedFixture.gateway()), "usr/local/etc/postfix/master.cf")
        XCTAssertTrue(master.contains("\n#local "))
        XCTAssertFalse(master.contains("\nlocal "))
        XCTAssertFalse(master.contains("postlog"), "postlogd arrived in Postfix 3.4")
        XCTAssertFalse(master.contains("127.0.0.1"), "a jail without lo0 has no loopback")
    }
}
