import Foundation
import TestSupport
import XCTest

/// `build`'s commit protocol at every syscall that changes the tree: strace kills the build
/// (SIGKILL) or fails the call (EIO) at the Nth rename, link, unlink, mkdir and fsync in turn.
/// After each, the tree is entirely old or entirely new (a build killed after writing its
/// journal may leave a mix, which the next build must roll back first), and every `.db`
/// answers as its source; after the next build nothing is left behind.
final class BuildCrashPointTests: XCTestCase {
    static let syscalls = ["rename", "renameat", "renameat2", "link", "linkat", "unlink", "unlinkat",
                           "mkdir", "mkdirat", "fsync", "fdatasync"]

    private var work: URL!
    override func setUpWithError() throws { work = try TestSupport.makeTempDir("gatewayctl-crash") }
    override func tearDown() { try? FileManager.default.removeItem(at: work) }

    /// How often a build from `old` to `new` makes each syscall (strace, no fault).
    private func counts(_ fx: BuildTreeFixture, strace: String, out: URL) throws -> [(String, Int)] {
        try? FileManager.default.removeItem(at: out)
        XCTAssertEqual(try fx.build(fx.old, out).status, 0)
        let log = work.appendingPathComponent("strace.log")
        let r = try TestSupport.run(strace, ["-f", "-qq", "-o", log.path, "-e", "trace=" + Self.syscalls.joined(separator: ","),
                                             TestSupport.gatewayctlPath, "build", fx.new.path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: log, encoding: .utf8)
        return Self.syscalls.map { name in
            (name, text.split(separator: "\n").filter { $0.range(of: #"^\d+\s+"# + name + #"\("#, options: .regularExpression) != nil }.count)
        }.filter { $0.1 > 0 }
    }

    func testEveryKillPointLeavesOldOrNewAndTheNextBuildCleansUp() throws {
        try killAtEveryPoint(try BuildTreeFixture(work))
    }

    /// The same while the new build also switches the table type: its `.db` files are deleted
    /// and `.lmdb` files written in the one commit, so a kill leaves the hash tables or the lmdb
    /// ones, each answering as its source, and the next build restores the old tree.
    func testEveryKillPointWhileSwitchingToLMDB() throws {
        try killAtEveryPoint(try BuildTreeFixture(work, newTableType: "lmdb"))
    }

    private func killAtEveryPoint(_ fx: BuildTreeFixture) throws {
        let strace = try TestSupport.requireTool("strace", package: "strace")
        let refOld = work.appendingPathComponent("ref-old"), refNew = work.appendingPathComponent("ref-new")
        XCTAssertEqual(try fx.build(fx.old, refOld).status, 0)
        XCTAssertEqual(try fx.build(fx.new, refNew).status, 0)
        let oldTree = try fx.tree(refOld), newTree = try fx.tree(refNew)
        fx.assertTablesAnswerAsSources(oldTree, "old")
        fx.assertTablesAnswerAsSources(newTree, "new")
        XCTAssertNotEqual(oldTree, newTree)

        let out = work.appendingPathComponent("out")
        let plan = try counts(fx, strace: strace, out: out)
        var points = 0, mixed = 0
        for (syscall, count) in plan {
            for n in 1...count {
                let label = "kill at \(syscall) #\(n)"
                try? FileManager.default.removeItem(at: out)
                XCTAssertEqual(try fx.build(fx.old, out).status, 0, label)
                let k = try TestSupport.run(strace, ["-f", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
                                                     "-e", "inject=\(syscall):signal=KILL:when=\(n)",
                                                     TestSupport.gatewayctlPath, "build", fx.new.path, "--out", out.path])
                XCTAssertNotEqual(k.status, 0, "\(label): the build was not killed")
                points += 1
                let after = try fx.tree(out)
                let journal = FileManager.default.fileExists(atPath: out.appendingPathComponent(".gatewayctl-journal").path)
                if journal {
                    // Committed but not finished: each file is one version or the other, whole.
                    mixed += 1
                    for (path, content) in after {
                        XCTAssertTrue(content == oldTree[path] || content == newTree[path], "\(label): \(path) is neither old nor new")
                    }
                    let check = try fx.build(fx.new, out, ["--check"])
                    XCTAssertEqual(check.status, 1, "\(label): --check must call an interrupted tree stale")
                } else {
                    XCTAssertTrue(after == oldTree || after == newTree, "\(label): tree is neither old nor new: "
                                  + "\(Set(after.keys).symmetricDifference(oldTree.keys)) \(after.filter { oldTree[$0.key] != $0.value && newTree[$0.key] != $0.value }.keys)")
                    fx.assertTablesAnswerAsSources(after, label)
                }
                // The next build first rolls back what the killed one committed: building the
                // old config then changes nothing, and the tree is the old one exactly.
                let back = try fx.build(fx.old, out)
                XCTAssertEqual(back.status, 0, "\(label): \(back.stderr)")
                XCTAssertEqual(try fx.tree(out), oldTree, "\(label): the next build did not leave the old tree")
                if journal {
                    XCTAssertTrue(back.stderr.contains("rolled back an interrupted build"), "\(label): \(back.stderr)")
                    XCTAssertTrue(back.stdout.contains("(0 written"), "\(label): rollback incomplete: \(back.stdout)")
                }
                XCTAssertEqual(fx.leftovers(out), [], "\(label): leftovers after the next build")
                let forward = try fx.build(fx.new, out)
                XCTAssertEqual(forward.status, 0, "\(label): \(forward.stderr)")
                XCTAssertEqual(try fx.tree(out), newTree, "\(label): the build after that did not write the new tree")
                XCTAssertEqual(fx.leftovers(out), [], label)
            }
        }
        print("crash points: \(points) kills (\(plan.map { "\($0.0) \($0.1)" }.joined(separator: ", "))), \(mixed) after the journal")
        XCTAssertGreaterThan(points, 20, "too few kill points: \(plan)")
        XCTAssertGreaterThan(mixed, 0, "no kill landed between the journal and its removal")
    }

    /// The rollback is itself killed at each of its renames and unlinks: the build after that
    /// rolls back again and the old tree comes back whole.
    func testAKilledRollbackIsRolledBackAgain() throws {
        let strace = try TestSupport.requireTool("strace", package: "strace")
        let fx = try BuildTreeFixture(work)
        let refOld = work.appendingPathComponent("ref-old")
        XCTAssertEqual(try fx.build(fx.old, refOld).status, 0)
        let oldTree = try fx.tree(refOld)
        let out = work.appendingPathComponent("out")
        let journal = out.appendingPathComponent(".gatewayctl-journal").path
        var points = 0
        for syscall in ["renameat", "unlinkat", "fsync"] {
            for n in 1...4 {
                let label = "rollback killed at \(syscall) #\(n)"
                try? FileManager.default.removeItem(at: out)
                XCTAssertEqual(try fx.build(fx.old, out).status, 0, label)
                // Killed after its journal and two of its renames (the table's and the journal's first).
                _ = try TestSupport.run(strace, ["-f", "-qq", "-o", "/dev/null", "-e", "trace=renameat",
                                                 "-e", "inject=renameat:signal=KILL:when=4",
                                                 TestSupport.gatewayctlPath, "build", fx.new.path, "--out", out.path])
                XCTAssertTrue(FileManager.default.fileExists(atPath: journal), "\(label): no journal to roll back")
                _ = try TestSupport.run(strace, ["-f", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
                                                 "-e", "inject=\(syscall):signal=KILL:when=\(n)",
                                                 TestSupport.gatewayctlPath, "build", fx.old.path, "--out", out.path])
                points += 1
                let r = try fx.build(fx.old, out)
                XCTAssertEqual(r.status, 0, "\(label): \(r.stderr)")
                XCTAssertTrue(r.stdout.contains("(0 written"), "\(label): \(r.stdout)")
                XCTAssertEqual(try fx.tree(out), oldTree, label)
                XCTAssertEqual(fx.leftovers(out), [], label)
            }
        }
        XCTAssertEqual(points, 12)
    }

    /// A failure (EIO) at each rename, link, unlink and fsync: the build exits 2 and DIR holds
    /// the old tree, or (a failure after the commit's last step that does not matter) exits 0
    /// with the new one. Never a mix, never "unchanged" when something changed.
    func testAFailureAtEachStepLeavesOldOrNew() throws {
        let strace = try TestSupport.requireTool("strace", package: "strace")
        let fx = try BuildTreeFixture(work)
        let refOld = work.appendingPathComponent("ref-old"), refNew = work.appendingPathComponent("ref-new")
        XCTAssertEqual(try fx.build(fx.old, refOld).status, 0)
        XCTAssertEqual(try fx.build(fx.new, refNew).status, 0)
        let oldTree = try fx.tree(refOld), newTree = try fx.tree(refNew)
        let out = work.appendingPathComponent("out")
        var points = 0
        for (syscall, count) in try counts(fx, strace: strace, out: out) {
            for n in 1...count {
                let label = "EIO at \(syscall) #\(n)"
                try? FileManager.default.removeItem(at: out)
                XCTAssertEqual(try fx.build(fx.old, out).status, 0, label)
                let r = try TestSupport.run(strace, ["-f", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
                                                     "-e", "inject=\(syscall):error=EIO:when=\(n)",
                                                     TestSupport.gatewayctlPath, "build", fx.new.path, "--out", out.path])
                points += 1
                let after = try fx.tree(out)
                if r.status == 0 {
                    XCTAssertEqual(after, newTree, "\(label): exit 0 but not the new tree")
                } else {
                    XCTAssertEqual(r.status, 2, "\(label): \(r.stderr)")
                    XCTAssertEqual(after, oldTree, "\(label): exit \(r.status) but not the old tree: \(r.stderr)")
                    XCTAssertTrue(r.stderr.contains("previous contents"), "\(label): \(r.stderr)")
                }
                XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(".gatewayctl-journal").path), label)
                XCTAssertEqual(try fx.build(fx.new, out).status, 0, label)
                XCTAssertEqual(try fx.tree(out), newTree, label)
                XCTAssertEqual(fx.leftovers(out), [], label)
            }
        }
        print("failure points: \(points)")
        XCTAssertGreaterThan(points, 20)
    }
}
