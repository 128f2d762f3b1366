import Foundation
import TestSupport
import XCTest
@testable import ConfigModel
@testable import GatewayCompiler

/// The real daemons are the oracles: each emitted file of the seed gateway must be accepted by
/// the program that reads it, with no warning. Each test also feeds the oracle a known-bad
/// variant, so a silent oracle cannot make it pass.
final class DaemonAcceptanceTests: XCTestCase {
    private var dirs: [URL] = []
    override func tearDown() {
        for d in dirs { try? FileManager.default.removeItem(at: d) }
        dirs = []
    }

    /// The files of `tree` whose absolute path starts with `prefix`, written flat into a temp dir.
    private func flatten(_ tree: EmittedTree, under prefix: String, replacing: String? = nil) throws -> URL {
        let dir = try TestSupport.makeTempDir("gatewayctl-accept")
        dirs.append(dir)
        for f in tree.files where f.absolutePath.hasPrefix(prefix) {
            var text = f.contents
            if let replacing { text = text.replacingOccurrences(of: replacing, with: dir.path) }
            let name = String(f.absolutePath.dropFirst(prefix.count))
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }

    private func debianTree() throws -> EmittedTree {
        try GoldenTreeTests.seedTree(["gateway.platform=debian", "gateway.postfix=3.7"])
    }

    /// `postconf -n` and `postfix check` print nothing on the Debian tree (maps built by postmap
    /// from the emitted sources, so the oracle owns the whole chain).
    func testPostfixAcceptsDebianTree() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let postfix = try TestSupport.requireTool("postfix", package: "postfix")
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let tree = try debianTree()
        let dir = try flatten(tree, under: "/etc/postfix/", replacing: "/etc/postfix")
        for m in tree.maps where m.map?.kind == .hash {
            let name = URL(fileURLWithPath: m.absolutePath).lastPathComponent
            let r = try TestSupport.run(postmap, ["-c", dir.path, "hash:" + dir.appendingPathComponent(name).path])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stderr, "", "postmap warned on \(name)")
        }
        try assertPostfixClean(dir, postconf: postconf, postfix: postfix)

        // Control: an unknown parameter must make postconf speak.
        try Data("bogus_parametre = 1\n".utf8).append(to: dir.appendingPathComponent("main.cf"))
        let bad = try TestSupport.run(postconf, ["-c", dir.path, "-n"])
        XCTAssertTrue(bad.stderr.contains("unused parameter"), bad.stderr)
    }

    /// The FreeBSD/Postfix 2.8 tree on Linux: its package paths (daemon_directory in
    /// /usr/local/libexec, ...) do not exist here, so those lines are dropped and Debian's
    /// compiled-in defaults apply; every other line is checked as emitted.
    func testPostfixAcceptsFreeBSDTreeWithPathsMapped() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        let postfix = try TestSupport.requireTool("postfix", package: "postfix")
        let tree = try GoldenTreeTests.seedTree([])
        let dir = try flatten(tree, under: "/usr/local/etc/postfix/", replacing: "/usr/local/etc/postfix")
        let packaging = Set(PlatformPaths.forPlatform(.freebsd).postfixDirectories.map(\.name))
        let main = dir.appendingPathComponent("main.cf")
        let kept = try String(contentsOf: main, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !packaging.contains(where: { line.hasPrefix($0 + " = ") }) }
        try Data(kept.joined(separator: "\n").utf8).write(to: main)
        try assertPostfixClean(dir, postconf: postconf, postfix: postfix)
        // 2.8 has no smtpd_relay_restrictions: the guard must be in the recipient list.
        let r = try TestSupport.run(postconf, ["-c", dir.path, "-h", "smtpd_recipient_restrictions"])
        XCTAssertTrue(r.stdout.contains("permit_mynetworks, reject_unauth_destination"), r.stdout)
    }

    private func assertPostfixClean(_ dir: URL, postconf: String, postfix: String,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let n = try TestSupport.run(postconf, ["-c", dir.path, "-n"])
        XCTAssertEqual(n.status, 0, n.stderr, file: file, line: line)
        XCTAssertEqual(n.stderr, "", "postconf -n warned", file: file, line: line)
        XCTAssertTrue(n.stdout.contains("smtpd_recipient_restrictions = "), file: file, line: line)
        let m = try TestSupport.run(postconf, ["-c", dir.path, "-M"])
        XCTAssertEqual(m.stderr, "", "postconf -M warned", file: file, line: line)
        XCTAssertFalse(m.stdout.contains("\nlocal "), "local(8) must be disabled", file: file, line: line)
        let check = try TestSupport.run(postfix, ["-c", dir.path, "check"])
        XCTAssertEqual(check.status, 0, check.stderr, file: file, line: line)
        XCTAssertEqual(check.stderr + check.stdout, "", "postfix check warned", file: file, line: line)
    }

    /// clamconf parses both files; no ERROR, no DEPRECATED, no database-directory mismatch.
    func testClamconfAcceptsBothPlatforms() throws {
        let clamconf = try TestSupport.requireTool("clamconf", package: "clamav")
        for (tree, prefix) in [(try GoldenTreeTests.seedTree([]), "/usr/local/etc/"), (try debianTree(), "/etc/clamav/")] {
            let dir = try flatten(tree, under: prefix)
            for extra in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !extra.hasSuffix(".conf") {
                try FileManager.default.removeItem(at: dir.appendingPathComponent(extra))
            }
            let r = try TestSupport.run(clamconf, ["-c", dir.path])
            let out = r.stdout + r.stderr
            XCTAssertTrue(out.contains("Config file: clamd.conf") && out.contains("Config file: freshclam.conf"), out)
            XCTAssertFalse(out.contains("ERROR"), out)
            XCTAssertFalse(out.contains("DEPRECATED"), out)
            XCTAssertFalse(out.contains("different database directories"), out)
            XCTAssertTrue(out.contains("StreamMaxLength = \"10485760\""), out)

            // Control: the tutorial's deprecated option is reported by the same oracle.
            try Data("AllowSupplementaryGroups yes\n".utf8).append(to: dir.appendingPathComponent("clamd.conf"))
            let bad = try TestSupport.run(clamconf, ["-c", dir.path])
            XCTAssertTrue((bad.stdout + bad.stderr).contains("DEPRECATED"), bad.stdout)
        }
    }

    /// `spamassassin --lint` over the system's plugin loaders plus the emitted local.cf.
    func testSpamAssassinLintsLocalCf() throws {
        let sa = try TestSupport.requireTool("spamassassin", package: "spamassassin")
        let dir = try flatten(debianTree(), under: "/etc/spamassassin/")
        for pre in (try? FileManager.default.contentsOfDirectory(atPath: "/etc/spamassassin")) ?? [] where pre.hasSuffix(".pre") {
            try FileManager.default.copyItem(atPath: "/etc/spamassassin/" + pre, toPath: dir.appendingPathComponent(pre).path)
        }
        let ok = try TestSupport.run(sa, ["--lint", "--siteconfigpath", dir.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        try Data("required_scoer 5.0\n".utf8).append(to: dir.appendingPathComponent("local.cf"))
        let bad = try TestSupport.run(sa, ["--lint", "--siteconfigpath", dir.path])
        XCTAssertNotEqual(bad.status, 0, "a misspelt option must fail the lint")
    }

    /// amavis's own loader reads the emitted files (`amavisd test-config` evaluates them under
    /// `use strict` in amavis's namespace, so a misspelt variable fails too): the Debian snippet
    /// on top of the package's conf.d stack, the FreeBSD amavisd.conf on its own.
    func testAmavisReadsItsConfiguration() throws {
        let amavisd = try TestSupport.requireTool("amavisd", package: "amavisd-new")
        let debianDir = try flatten(debianTree(), under: "/etc/amavis/conf.d/")
        var stack: [String] = []
        for dir in ["/usr/share/amavis/conf.d", "/etc/amavis/conf.d"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            stack += names.sorted().filter { $0 < "50" && !$0.hasPrefix(".") }.map { dir + "/" + $0 }
        }
        func testConfig(_ files: [String], standalone: Bool) throws -> ProcessResult {
            // Standalone: read as root without dropping to the file's $daemon_user (a FreeBSD
            // user that does not exist here); amavis's own AMAVIS_TEST_CONFIG path does that.
            try TestSupport.run(amavisd, files.flatMap { ["-c", $0] } + ["test-config"],
                                environment: standalone ? ["AMAVIS_TEST_CONFIG": "1"] : [:])
        }
        let snippet = debianDir.appendingPathComponent("50-user").path
        let deb = try testConfig(stack + [snippet], standalone: false)
        XCTAssertEqual(deb.status, 0, deb.stderr)
        let bsdDir = try flatten(GoldenTreeTests.seedTree([]), under: "/usr/local/etc/")
        let bsd = try testConfig([bsdDir.appendingPathComponent("amavisd.conf").path], standalone: true)
        XCTAssertEqual(bsd.status, 0, bsd.stderr)

        // Control: a misspelt variable in the same file is refused by the same oracle.
        try Data("$max_servrs = 2;\n".utf8).append(to: URL(fileURLWithPath: snippet))
        let bad = try testConfig(stack + [snippet], standalone: false)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue((bad.stdout + bad.stderr).contains("max_servrs"), bad.stdout + bad.stderr)
    }

    /// policyd-weight `eval`s its configuration inside its own scope, where `$BIND_ADDRESS` and
    /// `$TCP_PORT` are lexicals: perl evaluates the emitted file the same way and prints them.
    func testPolicydWeightConfigSetsItsListener() throws {
        let perl = try TestSupport.requireTool("perl", package: "perl")
        let dir = try flatten(debianTree(), under: "/etc/")
        let conf = dir.appendingPathComponent("policyd-weight.conf").path
        let script = """
            my $BIND_ADDRESS = '127.0.0.1'; my $TCP_PORT = 1;
            open(my $f, '<', $ARGV[0]) or die; local $/; my $c = <$f>;
            eval $c; die $@ if $@; print "$BIND_ADDRESS:$TCP_PORT";
            """
        let r = try TestSupport.run(perl, ["-e", script, conf])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "192.168.40.3:12525")
    }
}

extension Data {
    func append(to url: URL) throws {
        let h = try FileHandle(forWritingTo: url)
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: self)
    }
}
