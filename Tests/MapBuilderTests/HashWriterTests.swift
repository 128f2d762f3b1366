import Foundation
@testable import MapBuilder
import TestSupport
import XCTest

final class HashWriterTests: XCTestCase {
    func testInMemoryEntriesAreReadByPostmapAndOurReader() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = MapName(type: .hash, path: dir.appendingPathComponent("access").path)
        let warnings = try MapBuild.build(name, entries: [
            MapEntry(key: "Usuario1@Example.COM", value: "OK", line: 1),
            MapEntry(key: "hotmail.com", value: "REJECT no gracias", line: 2),
            MapEntry(key: "usuario1@example.com", value: "second", line: 3),
        ])
        XCTAssertEqual(warnings.map(\.postmapText), ["\(name.path).db: duplicate entry: \"usuario1@example.com\""])
        XCTAssertEqual(warnings.first?.line, 3)
        XCTAssertEqual(try postmap.query("usuario1@EXAMPLE.com", "hash:\(name.path)").value, "OK")
        XCTAssertEqual(try postmap.query("hotmail.com", "hash:\(name.path)").value, "REJECT no gracias")
        XCTAssertEqual(try postmap.dump("hash:\(name.path)"),
                       ["usuario1@example.com\tOK", "hotmail.com\tREJECT no gracias"])
        let reader = try MapReader.open(name)
        XCTAssertEqual(try reader.lookup("USUARIO1@example.com"), "OK")
        XCTAssertNil(try reader.lookup("nobody@example.com"))
        XCTAssertEqual(Set(try reader.dump().map { "\($0.key)\t\($0.value)" }), try postmap.dump("hash:\(name.path)"))
    }
}

/// db_dump shows the raw records postmap -s hides: the trailing NUL, or its absence with -n.
final class RawFormatTests: XCTestCase {
    func testTrailingNulAndTypeAsDbDumpSeesThem() throws {
        let dbDump = try TestSupport.requireTool("db_dump", package: "db-util")
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (type, nul, header) in [(MapType.hash, NulTermination.auto, "type=hash"), (.btree, .never, "type=btree")] {
            let name = MapName(type: type, path: dir.appendingPathComponent("t-\(type.rawValue)").path)
            try MapBuild.build(name, entries: [MapEntry(key: "Usuario1@Example.com", value: "OK", line: 1)],
                               options: MapWriteOptions(map: MapOptions(nul: nul)))
            let dump = try Spawn.run(dbDump, ["-p", name.databasePath])
            XCTAssertEqual(dump.status, 0, dump.stderr)
            XCTAssertTrue(dump.stdout.contains(header), dump.stdout)
            let records = dump.stdout.split(separator: "\n").filter { $0.hasPrefix(" ") }.map { String($0.dropFirst()) }
            XCTAssertEqual(records, nul == .never ? ["usuario1@example.com", "OK"] : ["usuario1@example.com\\00", "OK\\00"])
        }
    }
}

final class RecordCheckTests: XCTestCase {
    func testRecordsNoSourceCouldHoldAreRejectedAndNothingIsWritten() throws {
        let dir = try TestSupport.makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = MapName(type: .hash, path: dir.appendingPathComponent("t").path)
        for (key, value) in [("a\u{0}b", "OK"), ("k", "OK\nREJECT"), ("", "OK"), ("k", "")] {
            XCTAssertThrowsError(try MapBuild.build(name, entries: [MapEntry(key: key, value: value, line: 3)])) { error in
                XCTAssertEqual((error as? MapError)?.kind, .invalidRecord, "\(error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: name.databasePath))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}
