import Foundation
import TestSupport
import XCTest
@testable import Lint

/// What GW4006 learns of a live system: `postconf -m` of the installed Postfix (with the
/// postfix-lmdb and postfix-cdb packages scripts/setup.sh installs).
final class DictionaryTypesTests: XCTestCase {
    func testPostconfListsTheInstalledTypes() throws {
        _ = try TestSupport.requireTool("postconf", package: "postfix")
        let dir = try TestSupport.makeTempDir("dict-types")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: dir.appendingPathComponent("main.cf"))
        let types = try XCTUnwrap(DictionaryTypes.postconfTypes(dir.path))
        XCTAssertTrue(types.isSuperset(of: ["hash", "btree", "lmdb", "cdb", "pcre", "cidr"]), "\(types.sorted())")
        XCTAssertNil(DictionaryTypes.postconfTypes(dir.appendingPathComponent("missing").path), "postconf fails: nothing is known")
    }
}
