import ConfigModel
import PostfixConfig
import Lint
import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `gatewayctl build`: the tree on disk, determinism, --check/--diff, refusal, and the
/// all-or-nothing promise under I/O failures (file in the way, unwritable dir, full disk).
final class BuildCommandTests: XCTestCase {
    private var cleanup: [() -> Void] = []
    override func tearDown() {
        for c in cleanup.reversed() { c() }
        cleanup = []
    }

    private var seed: String { TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path }
    private let debian = ["--set", "gateway.platform=debian", "--set", "gateway.postfix=3.7"]

    private func tempDir() throws -> URL {
        let d = try TestSupport.makeTempDir("gatewayctl-build")
        cleanup.append { try? FileManager.default.removeItem(at: d) }
        return d
    }

    /// Every regular file under `dir`, relative path -> bytes.
    private func snapshot(_ dir: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        let base = dir.standardizedFileURL.path + "/"
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return out }
        for case let rel as String in e {
            let path = base + rel
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                out[rel] = FileManager.default.contents(atPath: path)
            }
        }
        return out
    }

    func testBuildWritesThePlatformTreeWithTables() throws {
        let out = try tempDir().appendingPathComponent("out")
        let r = try TestSupport.gatewayctl(["build", seed, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("built spam.example.com for freebsd, Postfix 2.8"), r.stdout)
        let files = snapshot(out)
        XCTAssertNotNil(files["usr/local/etc/postfix/main.cf"])
        XCTAssertNotNil(files["usr/local/etc/postfix/relay_recipients.db"])
        XCTAssertNil(files["usr/local/etc/postfix/helo_checks.db"], "pcre tables are not compiled")
        XCTAssertNotNil(files["etc/rc.conf.local"])

        let deb = try tempDir()
        XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", deb.path] + debian).status, 0)
        // The tables hold what postmap would read from the sources.
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let conf = try tempDir()
        try Data().write(to: conf.appendingPathComponent("main.cf"))
        let dump = try TestSupport.run(postmap, ["-c", conf.path, "-s", "hash:" + deb.path + "/etc/postfix/relay_recipients"])
        XCTAssertEqual(Set(dump.stdout.split(separator: "\n")),
                       ["usuario1@example.com\tOK", "usuario2@example.com\tOK", "usuario3@example.com\tOK"], dump.stderr)
    }

    /// The project's own Postfix rules find nothing in what the build emits.
    func testEmittedTreeLintsClean() throws {
        for (args, dir, version) in [(debian, "etc/postfix", PostfixVersion(3, 7)),
                                     ([], "usr/local/etc/postfix", PostfixVersion(2, 8))] {
            let out = try tempDir()
            XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", out.path] + args).status, 0)
            let config = try PostfixConfigSet.load(directory: out.appendingPathComponent(dir).path, version: version)
            let findings = config.diagnostics + RuleRegistry.postfixRules.flatMap { $0.check(config) }
            XCTAssertEqual(findings.filter { $0.severity != .info }.map { "\($0.span): \($0.id) \($0.message)" }, [],
                           "\(dir) for Postfix \(version)")
        }
    }

    /// MapBuilder's warnings (here a duplicate key) reach the user with the final path.
    func testTableWarningsAreReported() throws {
        let work = try tempDir()
        let recipients = work.appendingPathComponent("recipients.txt")
        try Data("a@example.com\nb@example.com\na@example.com\n".utf8).write(to: recipients)
        let config = work.appendingPathComponent("gateway.conf")
        try Data(Self.seedText(recipientsFile: recipients.path).utf8).write(to: config)
        let out = work.appendingPathComponent("out")
        let r = try TestSupport.gatewayctl(["build", config.path, "--out", out.path] + debian)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: \(out.path)/etc/postfix/relay_recipients:4: duplicate entry"), r.stderr)
    }

    /// With `--format json` stdout is only the report; the summary goes to stderr.
    func testJSONFormatKeepsStdoutMachineReadable() throws {
        let out = try tempDir()
        let r = try TestSupport.gatewayctl(["build", seed, "--out", out.path, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["version"] as? Int, 1)
        XCTAssertTrue(r.stderr.contains("built spam.example.com"), r.stderr)
    }

    func testSameInputGivesByteIdenticalText() throws {
        let a = try tempDir(), b = try tempDir()
        XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", a.path] + debian).status, 0)
        XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", b.path] + debian).status, 0)
        let sa = snapshot(a).filter { !$0.key.hasSuffix(".db") && $0.key != ".gatewayctl-lock" }
        let sb = snapshot(b).filter { !$0.key.hasSuffix(".db") && $0.key != ".gatewayctl-lock" }
        XCTAssertEqual(sa.count, 17, "16 files (host-setup.sh and gateway.nft among them) and the .gatewayctl-tree manifest")
        XCTAssertEqual(sa, sb)
        // A second build into the same dir rewrites nothing.
        let again = try TestSupport.gatewayctl(["build", seed, "--out", a.path] + debian)
        XCTAssertTrue(again.stdout.contains("(0 written, 21 unchanged)"), again.stdout)
        // The host steps are printed with every build.
        XCTAssertTrue(again.stdout.contains("host steps: review, copy the tree to the target's root, then run as root /etc/gatewayctl/host-setup.sh"),
                      again.stdout)
        XCTAssertTrue(again.stdout.contains("adduser --quiet clamav amavis"), again.stdout)
    }

    func testCheckAndDiff() throws {
        let out = try tempDir()
        let stale = try TestSupport.gatewayctl(["build", seed, "--out", out.path, "--check"] + debian)
        XCTAssertEqual(stale.status, 1, stale.stdout)
        XCTAssertTrue(snapshot(out).isEmpty, "--check writes nothing")
        XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", out.path] + debian).status, 0)
        let fresh = try TestSupport.gatewayctl(["build", seed, "--out", out.path, "--check"] + debian)
        XCTAssertEqual(fresh.status, 0, fresh.stdout)
        XCTAssertTrue(fresh.stdout.contains("is up to date"))

        // Hand-edit main.cf: --check fails, --diff shows exactly what `diff -u` shows.
        let main = out.appendingPathComponent("etc/postfix/main.cf")
        let original = try String(contentsOf: main, encoding: .utf8)
        let edited = original.replacingOccurrences(of: "mynetworks = 192.168.40.2/32", with: "mynetworks = 192.168.40.0/24")
            .replacingOccurrences(of: "smtpd_helo_required = yes\n", with: "")
        try Data(edited.utf8).write(to: main)
        XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", out.path, "--check"] + debian).status, 1)
        let d = try TestSupport.gatewayctl(["build", seed, "--out", out.path, "--diff"] + debian)
        XCTAssertEqual(d.status, 0, d.stderr)
        let newFile = try tempDir().appendingPathComponent("main.cf")
        try Data(original.utf8).write(to: newFile)
        let diffTool = try TestSupport.requireTool("diff", package: "diffutils")
        let expected = try TestSupport.run(diffTool, ["-u", main.path, newFile.path]).stdout
        func hunks(_ s: String) -> [Substring] { s.split(separator: "\n").filter { !$0.hasPrefix("---") && !$0.hasPrefix("+++") } }
        XCTAssertEqual(hunks(d.stdout), hunks(expected))
        XCTAssertTrue(d.stdout.contains("--- a/etc/postfix/main.cf\n+++ b/etc/postfix/main.cf\n"))
        XCTAssertEqual(try String(contentsOf: main, encoding: .utf8), edited, "--diff writes nothing")
    }

    /// A file the gateway no longer needs is reported by --check/--diff and deleted by the build.
    func testObsoleteFilesAreRemoved() throws {
        let out = try tempDir()
        XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", out.path] + debian).status, 0)
        let seedText = try String(contentsOf: URL(fileURLWithPath: seed), encoding: .utf8)
        let noClients = seedText.replacingOccurrences(of: "[clients]", with: "[clients-removed]")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("[clients-removed]") && !$0.hasPrefix("hotmail.com") }.joined(separator: "\n")
        let config = try tempDir().appendingPathComponent("gateway.conf")
        try Data(noClients.utf8).write(to: config)
        let d = try TestSupport.gatewayctl(["build", config.path, "--out", out.path, "--diff", "--check"] + debian)
        XCTAssertEqual(d.status, 1)
        XCTAssertTrue(d.stdout.contains("Only in \(out.path): etc/postfix/access_clients.db (no longer part"), d.stdout)
        let r = try TestSupport.gatewayctl(["build", config.path, "--out", out.path] + debian)
        XCTAssertTrue(r.stdout.contains("2 removed)"), r.stdout)
        XCTAssertNil(snapshot(out)["etc/postfix/access_clients"])
        XCTAssertNil(snapshot(out)["etc/postfix/access_clients.db"])
        XCTAssertEqual(try TestSupport.gatewayctl(["build", config.path, "--out", out.path, "--check"] + debian).status, 0)
    }

    func testRefusesAConfigWithErrorsAndWritesNothing() throws {
        let out = try tempDir().appendingPathComponent("out")
        let r = try TestSupport.gatewayctl(["build", seed, "--out", out.path, "--set", "gateway.postfix=banana"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("error"), r.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        let missing = try TestSupport.gatewayctl(["build", "/nonexistent/gateway.conf", "--out", out.path])
        XCTAssertEqual(missing.status, 2)
    }

    func testOutputThatIsAFileIsAClearError() throws {
        let file = try tempDir().appendingPathComponent("out")
        try Data("keep me\n".utf8).write(to: file)
        let r = try TestSupport.gatewayctl(["build", seed, "--out", file.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("error: `\(file.path)` exists and is not a directory"), r.stderr)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "keep me\n")
    }

    /// A failure on one file (here: a directory where transport should be) leaves every other
    /// file as the previous build wrote it, and no temporary behind.
    func testFailureKeepsThePreviousOutput() throws {
        let out = try tempDir()
        XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", out.path] + debian).status, 0)
        let transport = out.appendingPathComponent("etc/postfix/transport")
        try FileManager.default.removeItem(at: transport)
        try FileManager.default.createDirectory(at: transport, withIntermediateDirectories: false)
        let before = snapshot(out)
        let r = try TestSupport.gatewayctl(["build", seed, "--out", out.path, "--set", "gateway.banner=changed"] + debian)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("is not a regular file"), r.stderr)
        XCTAssertTrue(r.stderr.contains("previous contents"), r.stderr)
        XCTAssertEqual(snapshot(out), before)
    }

    func testRefusesToWriteThroughASymlink() throws {
        let out = try tempDir(), elsewhere = try tempDir()
        try FileManager.default.createSymbolicLink(at: out.appendingPathComponent("etc"), withDestinationURL: elsewhere)
        let r = try TestSupport.gatewayctl(["build", seed, "--out", out.path] + debian)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("refusing to write through symlink"), r.stderr)
        XCTAssertTrue(snapshot(elsewhere).isEmpty)
    }

    /// As root, permissions do not stop us; the build runs as `nobody` against a root-owned dir.
    func testUnwritableOutputIsAClearError() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to run the build as `nobody`") }
        let setpriv = try TestSupport.requireTool("setpriv", package: "util-linux")
        let out = try tempDir()
        XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", out.path] + debian).status, 0)
        let before = snapshot(out)
        // `nobody` must be able to run the binary and read the config: the checkout may sit in a
        // 0700 directory (CI clones into `mktemp -d`), so both are copied somewhere it can.
        let stage = try tempDir()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stage.path)
        let binary = stage.appendingPathComponent("gatewayctl"), conf = stage.appendingPathComponent("gateway.conf")
        try FileManager.default.copyItem(atPath: TestSupport.gatewayctlPath, toPath: binary.path)
        try FileManager.default.copyItem(atPath: seed, toPath: conf.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: conf.path)
        let r = try TestSupport.run(setpriv, ["--reuid=nobody", "--regid=nogroup", "--clear-groups", binary.path,
                                              "build", conf.path, "--out", out.path, "--set", "gateway.banner=changed"] + debian)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("permission denied"), r.stderr)
        XCTAssertEqual(snapshot(out), before)
    }

    /// A 256 KiB tmpfs holds the seed's tree but not a 20 000-recipient table: ENOSPC half-way
    /// through staging must leave the previous tree byte for byte and no temporary behind.
    func testFullDiskKeepsThePreviousOutput() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to mount a tiny tmpfs") }
        let mountTool = try TestSupport.requireTool("mount", package: "mount")
        let mountPoint = try tempDir()
        let m = try TestSupport.run(mountTool, ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.path])
        // A container without CAP_SYS_ADMIN cannot mount: a missing capability, not a defect.
        guard m.status == 0 else { throw XCTSkip("cannot mount a tmpfs here: \(m.stderr)") }
        cleanup.append { _ = try? TestSupport.run("/usr/bin/umount", [mountPoint.path]) }
        let out = mountPoint.appendingPathComponent("out")
        XCTAssertEqual(try TestSupport.gatewayctl(["build", seed, "--out", out.path] + debian).status, 0)
        let before = snapshot(out)

        let work = try tempDir()
        let recipients = work.appendingPathComponent("recipients.txt")
        try Data((0..<20_000).map { "user\($0)@example.com\n" }.joined().utf8).write(to: recipients)
        let config = work.appendingPathComponent("gateway.conf")
        try Data(Self.seedText(recipientsFile: recipients.path).utf8).write(to: config)
        let r = try TestSupport.gatewayctl(["build", config.path, "--out", out.path] + debian)
        XCTAssertEqual(r.status, 2, r.stdout)
        XCTAssertTrue(r.stderr.contains("no space left on device"), r.stderr)
        XCTAssertEqual(snapshot(out), before)
    }

    /// The seed with its inline `[recipients]` replaced by `file = PATH`.
    static func seedText(recipientsFile: String) throws -> String {
        let seed = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf"),
                              encoding: .utf8)
        var out: [Substring] = []
        var inRecipients = false
        for line in seed.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("[") {
                inRecipients = line == "[recipients]"
                out.append(line)
                if inRecipients { out.append(Substring("file = \(recipientsFile)")) }
                continue
            }
            if inRecipients, line.contains("@") { continue }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }
}
