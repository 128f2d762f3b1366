import Foundation
import MapBuilder
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A table that does not fit on its file system: `map build` says "No space left on device"
/// (libdb would say "Cannot allocate memory" or "Input/output error", lmdb the latter), exits 2
/// and leaves no temp file behind, for every indexed type. Needs root to mount a 1 MiB tmpfs.
final class DiskFullTests: XCTestCase {
    func testDiskFullIsReportedAsSuch() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to mount a small tmpfs") }
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        try postmap.requireDictionary("lmdb", package: "postfix-lmdb")
        try postmap.requireDictionary("cdb", package: "postfix-cdb")
        let mountPoint = try TestSupport.makeTempDir("diskfull")
        defer { try? FileManager.default.removeItem(at: mountPoint) }
        let mount = try Spawn.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.path])
        guard mount.status == 0 else { throw XCTSkip("cannot mount a tmpfs here: \(mount.stderr)") }
        defer { _ = try? Spawn.run("/bin/umount", [mountPoint.path]) }

        // About 620 KiB of source: no table of it fits in the 400 KiB left.
        var source = ""
        for i in 0..<14_000 { source += "usuario\(i)@ejemplo.example.com OK\n" }
        let src = mountPoint.appendingPathComponent("recipients").path
        try source.write(toFile: src, atomically: false, encoding: .utf8)
        for type in [MapType.hash, .btree, .lmdb, .cdb] {
            let r = try Spawn.run(TestSupport.gatewayctlPath, ["map", "build", "\(type):\(src)"])
            XCTAssertEqual(r.status, 2, "\(type): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasSuffix(": No space left on device\n"), "\(type): \(r.stderr)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path), ["recipients"], "\(type)")
        }
    }
}
