import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The promises of `build`'s commit protocol one by one, each with the reproduction of issue 10:
/// nothing outside DIR is deleted (1), a stale table is found by content (2), a failure before
/// the commit changes nothing (3), concurrent builds take turns (4), leftovers of killed builds
/// are removed (5), a symlinked `--out` is one directory whichever way it is named, and new
/// directories are fsynced.
final class BuildCommitTests: XCTestCase {
    private var work: URL!
    override func setUpWithError() throws { work = try TestSupport.makeTempDir("gatewayctl-commit") }
    override func tearDown() { try? FileManager.default.removeItem(at: work) }

    /// Issue 10 item 1: the manifest names `etc/lnk/secret` and `etc/lnk` links outside DIR.
    func testManifestEntryBehindASymlinkIsNeverDeleted() throws {
        let fx = try BuildTreeFixture(work)
        let out = work.appendingPathComponent("out")
        XCTAssertEqual(try fx.build(fx.new, out).status, 0)
        let victim = work.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: victim.appendingPathComponent("secret"))
        try FileManager.default.createSymbolicLink(at: out.appendingPathComponent("etc/lnk"), withDestinationURL: victim)
        let manifest = out.appendingPathComponent(".gatewayctl-tree")
        try Data((try String(contentsOf: manifest, encoding: .utf8) + "etc/lnk/secret\netc/lnk/../../../victim/secret\n").utf8)
            .write(to: manifest)
        let r = try fx.build(fx.old, out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("removed"), r.stdout)
        XCTAssertTrue(r.stderr.contains("etc/lnk/secret: not removed"), r.stderr)
        XCTAssertEqual(try String(contentsOf: victim.appendingPathComponent("secret"), encoding: .utf8), "precious\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: victim.path), ["secret"], "nothing written outside DIR")
    }

    /// Issue 10 item 2: the source is new but its `.db` is the old one (what a kill between the
    /// two renames used to leave). `--check` and `--diff` call it stale, the build rebuilds it.
    func testStaleTableIsFoundByContent() throws {
        let fx = try BuildTreeFixture(work)
        let out = work.appendingPathComponent("out"), ref = work.appendingPathComponent("ref")
        XCTAssertEqual(try fx.build(fx.old, out).status, 0)
        XCTAssertEqual(try fx.build(fx.new, ref).status, 0)
        let source = "etc/postfix/relay_recipients"
        try FileManager.default.removeItem(at: out.appendingPathComponent(source))
        try FileManager.default.copyItem(at: ref.appendingPathComponent(source), to: out.appendingPathComponent(source))
        let check = try fx.build(fx.new, out, ["--check"])
        XCTAssertEqual(check.status, 1, check.stdout)
        XCTAssertTrue(check.stdout.contains("relay_recipients.db"), check.stdout)
        let diff = try fx.build(fx.new, out, ["--diff"])
        XCTAssertTrue(diff.stdout.contains("Stale table: \(source).db"), diff.stdout)
        let r = try fx.build(fx.new, out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("(0 written"), r.stdout)
        let tree = try fx.tree(out)
        fx.assertTablesAnswerAsSources(tree, "after the rebuild")
        XCTAssertEqual(tree, try fx.tree(ref))
        let q = try TestSupport.gatewayctl(["map", "query", "hash:" + out.appendingPathComponent(source).path,
                                            "robert@example.org", "bob@example.org"])
        XCTAssertEqual(q.stdout, "robert@example.org\tOK\n", q.stderr)
        XCTAssertEqual(try fx.build(fx.new, out, ["--check"]).status, 0)
    }

    /// Issue 10 item 3: a directory where a new table's `.db` goes. Exit 2, and the tree is the
    /// previous one exactly (main.cf included), with nothing left behind.
    func testDirectoryInTheWayChangesNothing() throws {
        let fx = try BuildTreeFixture(work)
        let out = work.appendingPathComponent("out")
        XCTAssertEqual(try fx.build(fx.new, out).status, 0)
        try FileManager.default.createDirectory(at: out.appendingPathComponent("etc/postfix/sender_access.db"),
                                                withIntermediateDirectories: false)
        let before = try fx.tree(out)
        let r = try fx.build(fx.old, out)
        XCTAssertEqual(r.status, 2, r.stdout)
        XCTAssertTrue(r.stderr.contains("sender_access.db` exists and is not a regular file"), r.stderr)
        XCTAssertTrue(r.stderr.contains("previous contents of `\(out.path)` are unchanged"), r.stderr)
        XCTAssertEqual(try fx.tree(out), before)
        XCTAssertEqual(fx.leftovers(out), [])
    }

    /// Issue 10 item 4: while another process holds DIR's lock a build says so and waits, and
    /// writes nothing until the lock is free.
    func testASecondBuildWaitsForTheLock() throws {
        let fx = try BuildTreeFixture(work)
        let out = work.appendingPathComponent("out")
        XCTAssertEqual(try fx.build(fx.old, out).status, 0)
        let before = try fx.tree(out)
        let fd = open(out.appendingPathComponent(".gatewayctl-lock").path, O_RDWR)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestSupport.gatewayctlPath)
        p.arguments = ["build", fx.new.path, "--out", out.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Read stderr until the build says it waits (it blocks on the lock after that line).
        var said = ""
        while !said.contains("\n") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(said.contains("another build holds"), said)
        XCTAssertTrue(p.isRunning, "the build must wait, not fail or go ahead")
        XCTAssertEqual(try fx.tree(out), before, "nothing written while the lock is held")
        close(fd)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(try fx.tree(out), try fx.tree({ let r = work.appendingPathComponent("ref"); _ = try? fx.build(fx.new, r); return r }()))
    }

    /// Issue 10 item 4, raced: two builds of different configs started together, the first one
    /// slowed down at each rename (strace delay injection) so the second runs in its middle.
    /// Both succeed and the tree is entirely one of them, never A's main.cf beside B's tables.
    func testConcurrentBuildsLeaveOneWholeTree() throws {
        let strace = try TestSupport.requireTool("strace", package: "strace")
        let fx = try BuildTreeFixture(work)
        let refOld = work.appendingPathComponent("ref-old"), refNew = work.appendingPathComponent("ref-new")
        XCTAssertEqual(try fx.build(fx.old, refOld).status, 0)
        XCTAssertEqual(try fx.build(fx.new, refNew).status, 0)
        let trees = [try fx.tree(refOld), try fx.tree(refNew)]
        let out = work.appendingPathComponent("out")
        for round in 0..<4 {
            let (slow, fast) = round % 2 == 0 ? (fx.old, fx.new) : (fx.new, fx.old)
            XCTAssertEqual(try fx.build(fast, out).status, 0)
            let procs = [
                [strace, "-f", "-qq", "-o", "/dev/null", "-e", "trace=renameat", "-e", "inject=renameat:delay_enter=150000:when=2+",
                 TestSupport.gatewayctlPath, "build", slow.path, "--out", out.path],
                [TestSupport.gatewayctlPath, "build", fast.path, "--out", out.path],
            ].map { argv -> Process in
                let p = Process()
                p.executableURL = URL(fileURLWithPath: argv[0])
                p.arguments = Array(argv.dropFirst())
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                return p
            }
            // The second starts once the first has committed (its journal exists) and is
            // renaming, slowly: without the lock it would roll back or overwrite mid-commit.
            try procs[0].run()
            let journal = out.appendingPathComponent(".gatewayctl-journal").path
            while procs[0].isRunning && !FileManager.default.fileExists(atPath: journal) { usleep(1000) }
            try procs[1].run()
            for p in procs { p.waitUntilExit() }
            XCTAssertEqual(procs.map(\.terminationStatus), [0, 0], "round \(round)")
            let t = try fx.tree(out)
            XCTAssertTrue(trees.contains(t), "round \(round): a mixed tree")
            XCTAssertEqual(t, trees[fast == fx.old ? 0 : 1], "round \(round): the build that waited did not go last")
            fx.assertTablesAnswerAsSources(t, "round \(round)")
            XCTAssertEqual(fx.leftovers(out), [])
        }
    }

    /// Issue 10 item 5: temporaries, backups and journal temps of builds that were killed (their
    /// PID no longer runs) are removed by the next build; a live process's are not touched.
    func testLeftoversOfKilledBuildsAreRemoved() throws {
        let fx = try BuildTreeFixture(work)
        let out = work.appendingPathComponent("out")
        XCTAssertEqual(try fx.build(fx.old, out).status, 0)
        let gone = try TestSupport.run("/bin/sh", ["-c", "echo $$"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let dead = try XCTUnwrap(Int32(gone))
        XCTAssertNotEqual(kill(dead, 0), 0)
        let live = getpid()
        let planted = [
            "etc/postfix/.main.cf.gatewayctl-\(dead)-new", "etc/postfix/.relay_recipients.gatewayctl-\(dead)-old",
            "etc/postfix/..relay_recipients.gatewayctl-\(dead)-new.db.gatewayctl-\(dead)-12345",
            "etc/postfix/__db..transport.db.gatewayctl-\(dead)-99", "..gatewayctl-journal.gatewayctl-\(dead)-7",
            "..gatewayctl-tree.gatewayctl-\(dead)-new",
        ]
        for p in planted { try Data(repeating: 0x41, count: 4096).write(to: out.appendingPathComponent(p)) }
        let alive = "etc/postfix/.transport.gatewayctl-\(live)-new"
        try Data("x".utf8).write(to: out.appendingPathComponent(alive))
        XCTAssertEqual(try fx.build(fx.old, out).status, 0)
        XCTAssertEqual(fx.leftovers(out), [alive])
        XCTAssertEqual(try fx.tree(out), try fx.tree({ let r = work.appendingPathComponent("ref"); _ = try? fx.build(fx.old, r); return r }()))
    }

    /// Leftovers in a directory the killed build was creating, which the next build's tree does
    /// not have: found through the staging record and removed.
    func testLeftoversInANewDirectoryOfAKilledBuildAreRemoved() throws {
        let strace = try TestSupport.requireTool("strace", package: "strace")
        let fx = try BuildTreeFixture(work)
        let out = work.appendingPathComponent("out")
        XCTAssertEqual(try fx.build(fx.old, out).status, 0)
        let withScanner = work.appendingPathComponent("scanner.conf")
        try Data((try String(contentsOf: BuildTreeFixture.minimal, encoding: .utf8)
                  + "\n[antivirus]\nlisten = 127.0.0.1\nport = 3310\n").utf8).write(to: withScanner)
        // Killed at its journal's rename (the staging record's is the first): clamd.conf is
        // staged in the new etc/clamav, nothing is committed.
        _ = try TestSupport.run(strace, ["-f", "-qq", "-o", "/dev/null", "-e", "trace=renameat",
                                         "-e", "inject=renameat:signal=KILL:when=2",
                                         TestSupport.gatewayctlPath, "build", withScanner.path, "--out", out.path])
        XCTAssertEqual(fx.leftovers(out).filter { $0.hasPrefix("etc/clamav/") }.count, 1, "\(fx.leftovers(out))")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(".gatewayctl-journal").path))
        let r = try fx.build(fx.old, out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("(0 written"), r.stdout)
        XCTAssertEqual(fx.leftovers(out), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(".gatewayctl-staging").path))
    }

    /// Issue 10 item 15: `--out` a symlink to a directory is resolved once and said, the same
    /// whether it is named relative or absolute.
    func testSymlinkedOutIsTheSameRelativeOrAbsolute() throws {
        let fx = try BuildTreeFixture(work)
        let real = work.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("lnk").path, withDestinationPath: "real")
        let rel = try TestSupport.gatewayctl(["build", fx.old.path, "--out", "lnk"], cwd: work)
        XCTAssertEqual(rel.status, 0, rel.stderr)
        XCTAssertTrue(rel.stderr.contains("note: `lnk` is a symbolic link; built into `\(real.resolvingSymlinksInPath().path)`"), rel.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: real.appendingPathComponent("etc/postfix/main.cf").path))
        let abs = try TestSupport.gatewayctl(["build", fx.old.path, "--out", work.appendingPathComponent("lnk").path])
        XCTAssertEqual(abs.status, 0, abs.stderr)
        XCTAssertTrue(abs.stdout.contains("(0 written"), abs.stdout)
        XCTAssertTrue(abs.stderr.contains("is a symbolic link; built into"), abs.stderr)
        XCTAssertEqual(try fx.build(fx.new, work.appendingPathComponent("lnk")).status, 0)
        XCTAssertEqual(try TestSupport.gatewayctl(["build", fx.new.path, "--out", "lnk", "--check"], cwd: work).status, 0)
    }

    /// Issue 10 item 15: every directory the build creates is fsynced into its parent (strace:
    /// each mkdir/mkdirat is followed by an fsync of the descriptor or path it was made in).
    func testNewDirectoriesAreFsynced() throws {
        let strace = try TestSupport.requireTool("strace", package: "strace")
        let fx = try BuildTreeFixture(work)
        let log = work.appendingPathComponent("trace")
        let out = work.appendingPathComponent("a/b/out")
        let r = try TestSupport.run(strace, ["-f", "-qq", "-o", log.path, "-e", "trace=mkdir,mkdirat,fsync",
                                             TestSupport.gatewayctlPath, "build", fx.old.path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        var made = 0
        for (i, line) in lines.enumerated() {
            guard let m = line.firstMatch(of: /mkdirat\((\d+),/) else { continue }
            made += 1
            XCTAssertTrue(lines[(i + 1)...].contains { $0.contains("fsync(\(m.1))") }, "no fsync of the parent after: \(line)")
        }
        XCTAssertFalse(lines.contains { $0.contains(" mkdir(") }, "every directory made relative to an open parent")
        // a, b, out and every directory of the tree: each one made here, each one fsynced.
        let dirs = (FileManager.default.enumerator(atPath: work.appendingPathComponent("a").path)?.allObjects as? [String] ?? [])
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: work.appendingPathComponent("a/" + $0).path, isDirectory: &d) && d.boolValue }
        XCTAssertEqual(made, 1 + dirs.count, "\(dirs) \(lines)")
        XCTAssertGreaterThanOrEqual(made, 5)
    }
}
