import Foundation
import TestSupport
import XCTest
@testable import ConfigModel
@testable import GatewayCompiler

/// The seed gateway with `engine = rspamd`, judged by the programs that read it: rspamd's own
/// `rspamadm configtest` on Debian's packaged /etc/rspamd with the emitted local.d/override.d
/// copied in (strict: any error fails), and `postfix check` on the emitted main.cf/master.cf.
/// Each oracle also gets a known-bad variant, so a silent oracle cannot make the test pass.
///
/// configtest resolves the packaged fuzzy_check servers (fuzzy1/2.rspamd.com) with
/// getaddrinfo. It runs in a private network namespace whose hosts file answers for those two
/// names (TEST-NET-1 addresses, unreachable there): no query leaves the machine.
final class RspamdAcceptanceTests: XCTestCase {
    static let rspamdSeed = ["content-filter.engine=rspamd", "rspamd.redis=192.168.40.3:6379"]
    private var dirs: [URL] = []
    override func tearDown() {
        for d in dirs { try? FileManager.default.removeItem(at: d) }
        dirs = []
    }

    /// A copy of /etc/rspamd with the tree's rspamd files laid over it.
    private func rspamdRoot(_ tree: EmittedTree, prefix: String) throws -> URL {
        let dir = try TestSupport.makeTempDir("gatewayctl-rspamd")
        dirs.append(dir)
        let root = dir.appendingPathComponent("rspamd")
        _ = try TestSupport.run("/bin/cp", ["-a", "/etc/rspamd", root.path])
        var written = 0
        for f in tree.files where f.absolutePath.hasPrefix(prefix) {
            let url = root.appendingPathComponent(String(f.absolutePath.dropFirst(prefix.count)))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(f.contents.utf8).write(to: url)
            written += 1
        }
        XCTAssertGreaterThanOrEqual(written, 8, "rspamd files under \(prefix)")
        return root
    }

    private func configtest(_ root: URL, in ns: NetworkNamespace, rspamadm: String) throws -> ProcessResult {
        let vars = ["--var=CONFDIR=\(root.path)", "--var=LOCAL_CONFDIR=\(root.path)"]
        let argv = ns.wrap([rspamadm] + vars + ["configtest", "-s", "-c", root.appendingPathComponent("rspamd.conf").path])
        return try TestSupport.run(argv[0], Array(argv.dropFirst()))
    }

    private func configdump(_ root: URL, _ section: String, in ns: NetworkNamespace, rspamadm: String) throws -> String {
        let vars = ["--var=CONFDIR=\(root.path)", "--var=LOCAL_CONFDIR=\(root.path)"]
        let argv = ns.wrap([rspamadm] + vars + ["configdump", "-c", root.appendingPathComponent("rspamd.conf").path, section])
        return try TestSupport.run(argv[0], Array(argv.dropFirst())).stdout
    }

    static func namespaceWithFuzzyHosts() throws -> NetworkNamespace {
        let ns = try NetworkNamespace()
        let hosts = "127.0.0.1 localhost\n192.0.2.201 fuzzy1.rspamd.com\n192.0.2.202 fuzzy2.rspamd.com\n"
        try Data(hosts.utf8).write(to: URL(fileURLWithPath: "/etc/netns/\(ns.name)/hosts"))
        return ns
    }

    func testRspamadmConfigtestAcceptsBothPlatforms() throws {
        let rspamadm = try TestSupport.requireTool("rspamadm", package: "rspamd")
        let ns = try Self.namespaceWithFuzzyHosts()
        defer { ns.stop() }
        for (platform, prefix, clamd) in [("debian", "/etc/rspamd/", "/run/clamav/clamd.ctl"),
                                          ("freebsd", "/usr/local/etc/rspamd/", "/var/run/clamav/clamd.sock")] {
            let tree = try GoldenTreeTests.seedTree(["gateway.platform=\(platform)", "gateway.postfix=3.7"] + Self.rspamdSeed)
            let root = try rspamdRoot(tree, prefix: prefix)
            let ok = try configtest(root, in: ns, rspamadm: rspamadm)
            XCTAssertEqual(ok.status, 0, "\(platform): \(ok.stdout)\(ok.stderr)")
            XCTAssertTrue(ok.stdout.contains("syntax OK"), ok.stdout)

            // rspamd took the emitted values (local.d merged, override.d replaced).
            let proxy = try configdump(root, "worker", in: ns, rspamadm: rspamadm)
            XCTAssertTrue(proxy.contains("bind_socket = \"192.168.40.3:10024\""), proxy)
            XCTAssertTrue(proxy.contains("self_scan = true"), proxy)
            XCTAssertFalse(proxy.contains("localhost:11332"), "the packaged localhost bind must be replaced:\n\(proxy)")
            let options = try configdump(root, "options", in: ns, rspamadm: rspamadm)
            XCTAssertTrue(options.contains("\"192.168.40.2/32\""), options)
            XCTAssertFalse(options.contains("\"10.0.0.0/8\""), "packaged RFC 1918 local_addrs must be replaced:\n\(options)")
            let actions = try configdump(root, "actions", in: ns, rspamadm: rspamadm)
            XCTAssertTrue(actions.contains("add_header = 5"), actions)
            XCTAssertTrue(actions.contains("reject = 15"), actions)
            let greylist = try configdump(root, "greylist", in: ns, rspamadm: rspamadm)
            XCTAssertTrue(greylist.contains("timeout = 300"), greylist)
            let av = try configdump(root, "antivirus", in: ns, rspamadm: rspamadm)
            XCTAssertTrue(av.contains("servers = \"\(clamd)\""), av)

            // Control: a syntax error in a local.d file fails the same oracle.
            try Data("reject = ;;; {\n".utf8).append(to: root.appendingPathComponent("local.d/actions.conf"))
            let bad = try configtest(root, in: ns, rspamadm: rspamadm)
            XCTAssertNotEqual(bad.status, 0, "a broken actions.conf must fail configtest: \(bad.stdout)")
        }
    }

    /// main.cf with the milter and no amavis/postgrey/policyd-weight: `postfix check` is silent.
    func testPostfixAcceptsTheMilterWiring() throws {
        let postfix = try TestSupport.requireTool("postfix", package: "postfix")
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let tree = try GoldenTreeTests.seedTree(["gateway.platform=debian", "gateway.postfix=3.7"] + Self.rspamdSeed)
        let dir = try TestSupport.makeTempDir("gatewayctl-rspamd-postfix")
        dirs.append(dir)
        for name in ["main.cf", "master.cf"] {
            let text = try XCTUnwrap(tree.file("etc/postfix/" + name)).contents.replacingOccurrences(of: "/etc/postfix", with: dir.path)
            try Data(text.utf8).write(to: dir.appendingPathComponent(name))
        }
        let check = try TestSupport.run(postfix, ["-c", dir.path, "check"])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stderr + check.stdout, "", "postfix check warned")
        let n = try TestSupport.run(postconf, ["-c", dir.path, "-n"])
        XCTAssertEqual(n.stderr, "", "postconf -n warned")
        XCTAssertTrue(n.stdout.contains("smtpd_milters = inet:192.168.40.3:10024"), n.stdout)
        XCTAssertTrue(n.stdout.contains("milter_default_action = tempfail"), n.stdout)
        for absent in ["content_filter", "check_policy_service", "smtp-amavis"] {
            XCTAssertFalse(n.stdout.contains(absent), "\(absent) must not be built with rspamd")
        }
        XCTAssertFalse(tree.files.contains { $0.path.contains("amavis") || $0.path.contains("postgrey") || $0.path.contains("policyd") },
                       tree.files.map(\.path).joined(separator: " "))

        // Control: postconf reports a misspelt milter parameter.
        try Data("milter_default_actoin = accept\n".utf8).append(to: dir.appendingPathComponent("main.cf"))
        let bad = try TestSupport.run(postconf, ["-c", dir.path, "-n"])
        XCTAssertTrue(bad.stderr.contains("unused parameter"), bad.stderr)
    }
}
