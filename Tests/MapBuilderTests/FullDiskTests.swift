import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A table that does not fit: libdb's ENOMEM (its cache cannot write a dirty page out) is
/// reported as the disk's ENOSPC, the old table stays, and no temporary is left behind.
final class FullDiskTests: XCTestCase {
    func testFullDiskIsNoSpaceLeftNotOutOfMemory() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to mount a tiny tmpfs") }
        let mountTool = try TestSupport.requireTool("mount", package: "mount")
        let mountPoint = try TestSupport.makeTempDir("mapfull")
        defer { try? FileManager.default.removeItem(at: mountPoint) }
        let m = try TestSupport.run(mountTool, ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.path])
        guard m.status == 0 else { throw XCTSkip("cannot mount a tmpfs here: \(m.stderr)") }
        defer { _ = try? TestSupport.run("/usr/bin/umount", [mountPoint.path]) }
        let source = mountPoint.appendingPathComponent("recipients")
        try Data("old@example.com OK\n".utf8).write(to: source)
        XCTAssertEqual(try Spawn.run(TestSupport.gatewayctlPath, ["map", "build", "hash:" + source.path]).status, 0)
        let oldTable = try Data(contentsOf: mountPoint.appendingPathComponent("recipients.db"))
        // 200 KB of source in a 256 KiB file system: the table cannot be written beside it.
        try Data((0..<9_000).map { "user\($0)@example.com OK\n" }.joined().prefix(200_000).utf8).write(to: source)
        let r = try Spawn.run(TestSupport.gatewayctlPath, ["map", "build", "hash:" + source.path])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("No space left on device"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Cannot allocate memory"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: mountPoint.appendingPathComponent("recipients.db")), oldTable)
        let names = try FileManager.default.contentsOfDirectory(atPath: mountPoint.path).sorted()
        XCTAssertEqual(names.filter { $0.contains("gatewayctl-") }, [], "temporaries left: \(names)")
    }
}
