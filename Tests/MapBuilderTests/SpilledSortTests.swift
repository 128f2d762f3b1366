import Foundation
@testable import MapBuilder
import TestSupport
import XCTest

/// A bulk build whose records outgrow the sort's memory budget writes sorted runs to a scratch
/// file beside the table and merges them (`SortSpill`). With a budget of a few KiB injected,
/// a 26,000-line source spills dozens of runs: the table must still equal postmap's (dump,
/// warnings with their lines, -r/-w, queries) and equal, page for page, the one sorted in memory.
final class SpilledSortTests: XCTestCase {
    static let tinyBudget = 16 << 10

    /// Same records, same insertion order: libdb lays out the same pages (`db_dump -p` lists
    /// them in page order), whether the sort ran in memory or through the disk.
    func testSpilledAndInMemorySortsWriteTheSamePages() throws {
        let dbDump = try TestSupport.requireTool("db_dump", package: "db-util")
        let dir = try TestSupport.makeTempDir("spill")
        defer { try? FileManager.default.removeItem(at: dir) }
        var generator = SourceGenerator(seed: 5)
        let source = generator.source(lines: 30_000)
        for type in [MapType.hash, .btree] {
            var dumps: [String] = []
            for budget in [SortedBatch.defaultBudget, Self.tinyBudget] {
                let path = dir.appendingPathComponent("\(type.rawValue)-\(budget)").path
                try Data(source).write(to: URL(fileURLWithPath: path))
                var options = MapBuildOptions(force: true)
                options.sortBudget = budget
                let result = try MapBuild.build(MapName(type: type, path: path), options: options)
                XCTAssertEqual(result.spilledRuns > 0, budget == Self.tinyBudget, "\(type) budget \(budget)")
                let dump = try Spawn.run(dbDump, ["-p", path + ".db"])
                XCTAssertEqual(dump.status, 0, dump.stderr)
                dumps.append(dump.stdout)
            }
            XCTAssertEqual(dumps[0], dumps[1], "\(type): spilled build differs from the in-memory one")
        }
        // The scratch file has no name: nothing but the sources and tables is left.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") || $0.hasPrefix("__db") }, [])
    }

    /// Both ways of opening the scratch file leave no name in the directory, and the file is
    /// usable (written, read back) until it is closed.
    func testScratchFileLeavesNothingBehind() throws {
        let dir = try TestSupport.makeTempDir("scratch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try AtomicFile(target: dir.appendingPathComponent("t.db").path)
        for anonymous in [true, false] {
            let (fd, path) = try file.openScratch(anonymous: anonymous)
            defer { close(fd) }
            XCTAssertTrue(path.hasSuffix("-sort"), path)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "anonymous: \(anonymous)")
            let bytes: [UInt8] = Array("run".utf8)
            XCTAssertEqual(bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, 3, 0) }, 3)
            var back = [UInt8](repeating: 0, count: 3)
            XCTAssertEqual(back.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 3, 0) }, 3)
            XCTAssertEqual(back, bytes)
        }
    }

    /// The streaming XXH64 equals the one-shot hash however the bytes are cut.
    func testStreamingHashEqualsOneShot() {
        var rng = SystemRandomNumberGenerator()
        for length in [0, 1, 31, 32, 33, 63, 64, 65, 1000, 4099] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let whole = bytes.withUnsafeBufferPointer { ContentHash.xxh64($0) }
            for cut in [1, 3, 7, 31, 32, 33, 100] {
                var h = ContentHash.Streaming()
                var at = 0
                while at < length {
                    let n = min(cut, length - at)
                    bytes.withUnsafeBufferPointer { h.update(UnsafeBufferPointer(rebasing: $0[at..<(at + n)])) }
                    at += n
                }
                XCTAssertEqual(h.finish(), whole, "length \(length) cut \(cut)")
                XCTAssertEqual(h.count, length)
            }
        }
        // Known answer: XXH64("") with seed 0.
        XCTAssertEqual(ContentHash.Streaming().finish(), 0xEF46_DB37_51D8_E999)
    }
}

/// The spilled sort against postmap, through the differential's comparison.
extension PostmapDifferentialTests {
    func testSpilledBuildsMatchPostmapForEverySortedType() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        try Self.requireLMDBAndCDB(postmap)
        var generator = SourceGenerator(seed: 7)
        // Without the generator's huge lines, which lmdb refuses (keys past 511 bytes): postmap
        // would fail and there would be nothing to compare.
        let source = Array(generator.source(lines: 26_000).split(separator: 0x0A, omittingEmptySubsequences: false)
            .filter { $0.count < 300 }.joined(separator: [0x0A]))
        for (type, flags) in [(MapType.hash, [String]()), (.hash, ["-r"]), (.hash, ["-w", "-f"]), (.btree, []), (.btree, ["-r", "-n"]),
                              (.lmdb, []), (.lmdb, ["-r"]), (.lmdb, ["-w", "-n"])] {
            let result = try compare(source, type: type, flags: flags, postmap: postmap,
                                  label: "spilled \(type) \(flags)", queries: true, sortBudget: SpilledSortTests.tinyBudget)
            let built = try XCTUnwrap(result, "postmap could not build \(type) \(flags)")
            XCTAssertGreaterThan(built.spilledRuns, 10, "\(type) \(flags): the build did not spill")
        }
    }
}

/// cdb's default and -r modes hold their records in a scratch file and look earlier keys up by
/// reading them back (`CDBRecords`): with a tiny write buffer, the earlier record sits in the
/// file or still in the buffer, and -r flags replaced records on both sides. The table must
/// equal postmap's byte for byte, with the same warnings.
extension PostmapDifferentialTests {
    func testCDBThroughTheScratchFileMatchesPostmap() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        try Self.requireLMDBAndCDB(postmap)
        var generator = SourceGenerator(seed: 11)
        var source = generator.source(lines: 20_000)
        // Many keys seen many times, in changing case, spread over the whole source.
        var rng = SplitMix64(seed: 3)
        for i in 0..<6_000 {
            let n = rng.next() % 700
            let key = n % 3 == 0 ? "Dup\(n)@Example.COM" : "dup\(n)@example.com"
            source += Array("\(key) value\(i)\n".utf8)
        }
        for flags in [[String](), ["-r"], ["-w"], ["-r", "-N"], ["-f"]] {
            let result = try compare(source, type: .cdb, flags: flags, postmap: postmap,
                                     label: "scratch cdb \(flags)", queries: true, sortBudget: SpilledSortTests.tinyBudget)
            let built = try XCTUnwrap(result, "postmap could not build cdb \(flags)")
            if flags.isEmpty || flags == ["-f"] { XCTAssertGreaterThan(built.warnings.count, 5_000, "\(flags): duplicates not found") }
        }
    }
}
