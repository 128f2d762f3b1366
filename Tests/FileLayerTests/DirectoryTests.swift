import FileLayer
import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// FileLayer on real files: resolution below a root never follows a symlink, reads fail with
/// one typed wording, errno survives (ENOSPC from /dev/full), atomic replace, the lock.
final class DirectoryTests: XCTestCase {
    private var root: URL!
    override func setUpWithError() throws { root = try TestSupport.makeTempDir("filelayer") }
    override func tearDown() { try? FileManager.default.removeItem(at: root) }

    func testSubdirectoryNeverFollowsASymlink() throws {
        let outside = try TestSupport.makeTempDir("filelayer-outside")
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("etc/lnk"), withDestinationURL: outside)
        let dir = try Directory.open(root.path)
        XCTAssertThrowsError(try dir.subdirectory("etc/lnk", create: true)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .symlink)
        }
        XCTAssertThrowsError(try dir.subdirectory("etc/../..")) { error in
            XCTAssertNotNil(error as? FileError)
        }
        var created: [(Directory, String)] = []
        let deep = try dir.subdirectory("a/b/c", create: true, created: &created)
        XCTAssertEqual(created.map(\.1), ["a", "b", "c"])
        try deep.replace("f", with: Array("x\n".utf8), mode: 0o640)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("a/b/c/f"), encoding: .utf8), "x\n")
        let st = try XCTUnwrap(deep.info("f"))
        XCTAssertEqual(st.st_mode & 0o7777, 0o640)
        XCTAssertEqual(try deep.entries(), ["f"], "no temporary left beside the target")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside.path), [])
    }

    func testReadFailuresAreTypedWithOneWording() throws {
        let dir = try Directory.open(root.path)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("d"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("s").path, withDestinationPath: "/etc/hostname")
        let cases: [(String, FileError.Kind, String)] = [
            ("missing", .notFound, "no such file"), ("d", .isDirectory, "is a directory"),
            ("s", .symlink, "is a symbolic link"),
        ]
        for (name, kind, reason) in cases {
            XCTAssertThrowsError(try dir.read(name)) { error in
                let e = error as? FileError
                XCTAssertEqual(e?.kind, kind, name)
                XCTAssertEqual(e?.description, "cannot read `\(root.path)/\(name)`: \(reason)")
            }
        }
        XCTAssertThrowsError(try FileLayer.read("/dev/null/x")) { XCTAssertEqual(($0 as? FileError)?.kind, .notFound) }
        XCTAssertThrowsError(try FileLayer.read("/dev/zero")) { XCTAssertEqual(($0 as? FileError)?.kind, .notRegularFile) }
    }

    /// A full disk is "no space left on device", never a different errno.
    func testWriteKeepsENOSPC() throws {
        let fd = open("/dev/full", O_WRONLY)
        guard fd >= 0 else { throw XCTSkip("no /dev/full") }
        defer { close(fd) }
        let bytes = [UInt8](repeating: 0x41, count: 4096)
        XCTAssertThrowsError(try bytes.withUnsafeBufferPointer { try FileLayer.writeAll(fd, $0, "/dev/full") }) { error in
            XCTAssertEqual((error as? FileError)?.code, ENOSPC)
            XCTAssertEqual((error as? FileError)?.description, "cannot write `/dev/full`: no space left on device")
        }
    }

    /// A second exclusive lock waits (and says so) until the first is released.
    func testLockIsExclusiveAcrossProcesses() throws {
        let flock = try TestSupport.requireTool("flock", package: "util-linux")
        let dir = try Directory.open(root.path)
        var lock = try DirectoryLock(dir, name: "lock")
        XCTAssertNotNil(lock)
        let held = try TestSupport.run(flock, ["-n", root.appendingPathComponent("lock").path, "true"])
        XCTAssertEqual(held.status, 1, "flock -n must fail while we hold the lock")
        lock = nil
        let free = try TestSupport.run(flock, ["-n", root.appendingPathComponent("lock").path, "true"])
        XCTAssertEqual(free.status, 0, free.stderr)
    }
}
