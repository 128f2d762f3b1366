import Foundation
import MapBuilder
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
