import Foundation
import TestSupport
import XCTest
@testable import ConfigModel
@testable import GatewayCompiler

/// The seed example (examples/seed-gateway.conf) emitted for the tutorial's FreeBSD/Postfix 2.8
/// and for Debian/Postfix 3.7 (with hash, lmdb and cdb tables), compared byte for byte with the reviewed trees under
/// Emit/Golden/. After an intentional change, regenerate with
/// `GATEWAYCTL_UPDATE_GOLDEN=1 swift test --filter GoldenTreeTests`, then review `git diff`.
final class GoldenTreeTests: XCTestCase {
    static let variants: [(name: String, overrides: [String])] = [
        ("seed-freebsd-2.8", []),
        ("seed-debian-3.7", ["gateway.platform=debian", "gateway.postfix=3.7"]),
        // Without Berkeley DB: every table, default_database_type and the host steps follow the type.
        ("seed-debian-3.7-lmdb", ["gateway.platform=debian", "gateway.postfix=3.7", "gateway.table-type=lmdb"]),
        ("seed-debian-3.7-cdb", ["gateway.platform=debian", "gateway.postfix=3.7", "gateway.table-type=cdb"]),
    ]

    static var goldenRoot: URL {
        TestSupport.packageRoot.appendingPathComponent("Tests/ConfigModelTests/Emit/Golden")
    }

    /// The seed parsed with `overrides` and emitted.
    static func seedTree(_ overrides: [String]) throws -> EmittedTree {
        let path = TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path
        let loaded = GatewayLoader.load(path: path, overrides: overrides)
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        guard let doc = loaded.document, errors.isEmpty else {
            throw DaemonError("seed-gateway.conf does not parse: \(errors.map(\.message))")
        }
        return try GatewayEmitter.emit(doc.gateway)
    }

    func testSeedTreesMatchGolden() throws {
        let update = ProcessInfo.processInfo.environment["GATEWAYCTL_UPDATE_GOLDEN"] == "1"
        for v in Self.variants {
            let tree = try Self.seedTree(v.overrides)
            let dir = Self.goldenRoot.appendingPathComponent(v.name)
            if update {
                try? FileManager.default.removeItem(at: dir)
                for f in tree.files {
                    let url = dir.appendingPathComponent(f.path)
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(f.contents.utf8).write(to: url)
                }
                continue
            }
            let golden = try Self.files(under: dir)
            XCTAssertEqual(golden.sorted(), tree.files.map(\.path), "\(v.name): file set differs from the golden tree")
            for f in tree.files {
                let expected = try String(contentsOf: dir.appendingPathComponent(f.path), encoding: .utf8)
                if expected != f.contents {
                    XCTFail("\(v.name)/\(f.path) differs from golden:\n"
                            + UnifiedDiff.diff(old: expected, new: f.contents, oldName: "golden", newName: "emitted"))
                }
            }
        }
    }

    /// Relative paths of the regular files under `dir`.
    static func files(under dir: URL) throws -> [String] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [String] = []
        let base = dir.standardizedFileURL.path + "/"
        for case let url as URL in e where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out.append(String(url.standardizedFileURL.path.dropFirst(base.count)))
        }
        return out
    }
}
