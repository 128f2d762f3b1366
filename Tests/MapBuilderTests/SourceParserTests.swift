@testable import MapBuilder
import XCTest

final class SourceParserTests: XCTestCase {
    func testPostmapSemantics() {
        let source = MapSource.parse("""
             leading
            # comment
            Foo@Example.COM  OK  with  spaces
              continued
            key: value
            "quoted key" val
            "unbal val
            onlykey
            a\tb # c\r

            """, file: "src")
        XCTAssertEqual(source.entries, [
            MapEntry(key: "Foo@Example.COM", value: "OK  with  spaces  continued", line: 3),
            MapEntry(key: "key:", value: "value", line: 5),
            MapEntry(key: "\"quoted key\"", value: "val", line: 6),
            MapEntry(key: "a", value: "b # c", line: 9),
        ])
        XCTAssertEqual(source.warnings.map(\.postmapText), [
            "src: logical line must not start with whitespace: \" leading\"",
            "src, line 5: record is in \"key: value\" format; is this an alias file?",
            "src, line 7: unbalanced '\"' in '\"unbal val' -- ignoring this line",
            "src, line 8: expected format: key whitespace value",
        ])
        XCTAssertEqual(source.warnings.map(\.column), [1, 4, 1, 8])
    }

    /// A problem found on a continuation line is reported at the line the logical line starts
    /// on, as postmap reports it ("line 2"), not at the physical line it sits on.
    func testWarningOnContinuationLineUsesPostmapsLine() {
        let source = MapSource.parse("k v\n\"a\n b\"\n\"x\n  y\" v\n \"\nz: 1\n", file: "src")
        XCTAssertEqual(source.warnings.map(\.postmapText), [
            "src, line 2: expected format: key whitespace value",
            "src, line 7: record is in \"key: value\" format; is this an alias file?",
        ])
        XCTAssertEqual(source.warnings.map(\.line), [2, 7])
        // Line 2's problem (no value after the quoted key) sits on line 3: column 1 of line 2.
        XCTAssertEqual(source.warnings.map(\.column), [1, 2])
    }

    func testResolvedFirstWinsAndFolds() {
        let source = MapSource.parse("A@x OK\na@X REJECT\n", file: "m")
        let table = source.resolved()
        XCTAssertEqual(table.lookup("a@x")?.value, "OK")
        XCTAssertEqual(table.warnings.map(\.postmapText), ["m.db: duplicate entry: \"a@x\""])
        XCTAssertEqual(source.resolved(options: MapOptions(duplicates: .replace)).lookup("A@X")?.value, "REJECT")
        // Each dictionary names the table its own way (the differential tests hold the writers to it).
        XCTAssertEqual(source.resolved(type: .lmdb).warnings.map(\.postmapText), ["lmdb:m: duplicate entry: \"a@x\""])
        XCTAssertEqual(source.resolved(type: .cdb).warnings.map(\.postmapText), ["m: duplicate entry: \"a@x\""])
        XCTAssertEqual(source.resolved(type: .btree).warnings.map(\.postmapText), ["m.db: duplicate entry: \"a@x\""])
    }
}
