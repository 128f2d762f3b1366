import Foundation
@testable import MapBuilder
import TestSupport
import XCTest

/// The same source built by the real postmap and by MapBuilder must dump (`postmap -s`) to the
/// same set and give the same warnings, for every parsing rule of postfix-semantics.md §1, for
/// postmap's flags, and for seeded random sources; for hash, btree, lmdb (postfix-lmdb) and cdb
/// (postfix-cdb). postmap cannot sequence a cdb table: there the two files must be equal byte
/// for byte, and our dump must equal tinycdb's `cdb -d` of postmap's file.
final class PostmapDifferentialTests: XCTestCase {
    /// One source per rule of §1.
    static let ruleSources: [(String, String)] = [
        ("comment only at line start", "# comment\nkey value\n  # indented comment\nk2 v2 # data\n"),
        ("continuation keeps leading whitespace", "k OK  with  spaces\n  continued\n\tand tab\n"),
        ("comment inside continuation", "k a\n# c\n  b\n #d\n\tc\n"),
        ("empty line inside continuation", "k a\n\n  b\n \n\tc\nz 1\n"),
        ("leading whitespace first line", "  lead x\n  more\nk v\n"),
        ("leading whitespace after comment", "# c\n\t lead that is longer than thirty characters x\nk v\n"),
        ("quoted key", "\"a b\" v\n\"x\\\"y z\" v2\n\"q\"@example.com OK\n"),
        ("backslash escape", "a\\ b v\nend\\\nz\\\\ 1\n"),
        ("unbalanced quote", "\"abc v\nx\"y z\n"),
        ("no key or no value", "key\nkey2   \n\t\nk v\n"),
        ("key: alias format", "postmaster: root\nabuse:\tpostmaster\n"),
        ("value trimmed verbatim", "k    v  v   \nk2 \t a\tb \t\n"),
        ("crlf", "k v\r\nk2 v2\r\n\r\n  c\r\nk3 x\r\n"),
        ("duplicates first wins", "a 1\nA 2\na 3\nb 1\nB 2\n"),
        ("upper case folded", "Foo@Example.COM OK\nBAR Baz\n"),
        ("utf-8", "José@example.com OK\nÑANDÚ@x ok\nstraße 1\n"),
        ("no final newline", "k v\nlast one"),
        ("nul byte", "a\u{0}b v\nc d\u{0}e\n"),
        ("whitespace-only lines", "   \n\t\n\r\nk v\n"),
        ("very long key and value", String(repeating: "k", count: 5000) + " " + String(repeating: "v", count: 20000) + "\n"),
    ]

    static let flagSets: [[String]] = [[], ["-f"], ["-r"], ["-w"], ["-n"], ["-N"]]

    func testEveryRuleAndFlagMatchesPostmap() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        for (name, text) in Self.ruleSources {
            for flags in Self.flagSets {
                try compare(Array(text.utf8), type: .hash, flags: flags, postmap: postmap, label: "\(name) \(flags)")
            }
            try compare(Array(text.utf8), type: .btree, flags: [], postmap: postmap, label: "\(name) btree")
        }
    }

    func testEveryRuleAndFlagMatchesPostmapLMDBAndCDB() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        try Self.requireLMDBAndCDB(postmap)
        for type in [MapType.lmdb, .cdb] {
            for (name, text) in Self.ruleSources {
                for flags in Self.flagSets {
                    try compare(Array(text.utf8), type: type, flags: flags, postmap: postmap,
                                label: "\(name) \(type) \(flags)", queries: true)
                }
            }
        }
    }

    func testRandomSourcesMatchPostmap() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        try Self.requireLMDBAndCDB(postmap)
        for seed in UInt64(1)...24 {
            var generator = SourceGenerator(seed: seed)
            let source = generator.source(lines: 120)
            let flags = Self.flagSets[Int(seed) % Self.flagSets.count]
            let type: MapType = seed % 4 == 0 ? .btree : .hash
            try compare(source, type: type, flags: flags, postmap: postmap, label: "seed \(seed) \(type) \(flags)",
                        queries: true)
            for other in [MapType.lmdb, .cdb] {
                try compare(source, type: other, flags: flags, postmap: postmap,
                            label: "seed \(seed) \(other) \(flags)", queries: true)
            }
        }
    }

    /// Warnings, with their line numbers, on many random sources (continued lines, comments and
    /// blank lines inside continuations, CRLF, a last line without newline). Only the warnings
    /// are compared, so each seed costs one postmap run: GATEWAYCTL_DIFF_SEEDS=3600 for more.
    func testWarningLineNumbersOnManySeeds() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        let seeds = UInt64(ProcessInfo.processInfo.environment["GATEWAYCTL_DIFF_SEEDS"] ?? "") ?? 300
        let dir = try TestSupport.makeTempDir("mapwarn")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("src").path
        var mismatches = 0
        for seed in UInt64(1000)..<(1000 + seeds) {
            var generator = SourceGenerator(seed: seed)
            let source = generator.source(lines: 60)
            try Data(source).write(to: URL(fileURLWithPath: path))
            let flags = seed % 2 == 0 ? ["-w"] : []
            let theirs = try postmap.build("hash:\(path)", flags: flags).map { normalize($0, dir.path) }
            let parsed = MapSource.parse(bytes: source, file: path)
            let resolved = parsed.resolved(options: Self.mapOptions(flags, smtputf8: false))
            let ours = (parsed.warnings + resolved.warnings).sorted { $0.line < $1.line }.map { normalize($0.postmapText, dir.path) }
            // The line each warning is located at (file:line:col) is postmap's "line N".
            let theirLines = theirs.compactMap { text -> Int? in
                guard let r = text.range(of: ", line ") else { return nil }
                return Int(text[r.upperBound...].prefix { $0.isNumber })
            }
            let ourLines = parsed.warnings.filter { $0.postmapText.contains(", line ") }.map(\.line)
            if ours != theirs || ourLines != theirLines {
                mismatches += 1
                XCTAssertEqual(ours, theirs, "seed \(seed) \(flags)")
                XCTAssertEqual(ourLines, theirLines, "seed \(seed) \(flags): located lines")
            }
        }
        XCTAssertEqual(mismatches, 0, "of \(seeds) sources")
    }

    /// Above `BuildPlan.bulkThreshold` records the writer sorts (bucket order for hash, key
    /// order for btree) before inserting: duplicates, -r and -w must still behave as postmap.
    func testBulkSortedBuildsMatchPostmap() throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        try Self.requireLMDBAndCDB(postmap)
        var generator = SourceGenerator(seed: 7)
        let source = generator.source(lines: 26_000)
        for (type, flags) in [(MapType.hash, [String]()), (.hash, ["-r"]), (.hash, ["-w", "-f"]), (.btree, []), (.btree, ["-r", "-n"]),
                              (.lmdb, []), (.lmdb, ["-r"]), (.lmdb, ["-w", "-n"]), (.cdb, []), (.cdb, ["-r", "-N"]), (.cdb, ["-w"])] {
            try compare(source, type: type, flags: flags, postmap: postmap, label: "bulk \(type) \(flags)", queries: true)
        }
    }

    func testSMTPUTF8CasefoldAndNonUTF8Lines() throws {
        let postmap = try Postmap(smtputf8: true)
        defer { postmap.cleanup() }
        try Self.requireLMDBAndCDB(postmap)
        // A NUL then invalid bytes: postmap keeps the line when it is ASCII up to the NUL (its
        // allascii() stops there) and drops it when not (valid_utf8_string() reads past it).
        let fixed = Array("STRAßE@x OK\nΣΑΣ@x ok2\nİx y\nﬁle z\nabc\u{e9} v\n".utf8) + [0xFF, 0xFE, 0x20, 0x62, 0x0A]
            + Array("nul v".utf8) + [0x00, 0xFF, 0x0A] + Array("caf\u{e9} w".utf8) + [0x00, 0xFF, 0x0A]
        for type in [MapType.hash, .lmdb, .cdb] {
            try compare(fixed, type: type, flags: [], postmap: postmap, label: "utf8 fixed \(type)", smtputf8: true, queries: true)
            for seed in UInt64(100)...105 {
                var generator = SourceGenerator(seed: seed, invalidUTF8: true)
                try compare(generator.source(lines: 80), type: type, flags: [], postmap: postmap,
                            label: "utf8 seed \(seed) \(type)", smtputf8: true, queries: true)
            }
        }
    }

    /// The casefold table (generated from CaseFolding.txt) against ICU's as postmap applies it:
    /// one key per scalar that folds, upper and lower variants of each, dumped both ways.
    func testCasefoldOfEveryFoldingScalarMatchesPostmap() throws {
        let postmap = try Postmap(smtputf8: true)
        defer { postmap.cleanup() }
        var source = ""
        let table = KeyFolding.caseFoldTable
        XCTAssertGreaterThan(table.count / 4, 1400)
        for row in stride(from: 0, to: table.count, by: 4) {
            guard let scalar = Unicode.Scalar(table[row]) else { continue }
            source += "k\(Character(scalar))@x v\(row / 4)\n"
        }
        try compare(Array(source.utf8), type: .hash, flags: [], postmap: postmap, label: "every folding scalar",
                    smtputf8: true, queries: true)
    }

    /// Builds `source` both ways in sibling dirs and compares dumps, warnings and (optionally)
    /// `postmap -q` answers from both tables.
    /// `sortBudget`: the sorting writers' memory budget (a tiny one forces the spill to disk);
    /// returns our build's result.
    @discardableResult
    func compare(_ source: [UInt8], type: MapType, flags: [String], postmap: Postmap, label: String,
                 smtputf8: Bool = false, queries: Bool = false, sortBudget: Int? = nil) throws -> MapBuildResult? {
        let dir = try TestSupport.makeTempDir("mapdiff")
        defer { try? FileManager.default.removeItem(at: dir) }
        let theirs = dir.appendingPathComponent("a"), ours = dir.appendingPathComponent("b")
        for d in [theirs, ours] {
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
            try Data(source).write(to: d.appendingPathComponent("src"))
        }
        let theirMap = "\(type.rawValue):\(theirs.path)/src"
        let ourName = MapName(type: type, path: "\(ours.path)/src")

        let built = try postmap.run(flags + [theirMap])
        var options = MapBuildOptions(map: Self.mapOptions(flags, smtputf8: smtputf8), force: true)
        if let sortBudget { options.sortBudget = sortBudget }
        if built.status != 0 {
            // postmap gives up on records its table cannot hold (a key past lmdb's 511 bytes):
            // so must we, without leaving a table behind.
            XCTAssertThrowsError(try MapBuild.build(ourName, options: options), "postmap failed: \(label)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: ourName.databasePath), label)
            return nil
        }
        let theirWarnings = Postmap.warnings(built.stderr).map { normalize($0, theirs.path) }
        let result = try MapBuild.build(ourName, options: options)
        let ourWarnings = result.warnings.map { normalize($0.postmapText, ours.path) }
        XCTAssertEqual(ourWarnings, theirWarnings, "warnings: \(label)")

        let readFlags = flags.filter { ["-f", "-n", "-N"].contains($0) }
        let theirDump: Set<String>
        if type == .cdb {
            // Same records in the same order make the same file: tinycdb is deterministic.
            let theirBytes = try Data(contentsOf: URL(fileURLWithPath: "\(theirs.path)/src.cdb"))
            let ourBytes = try Data(contentsOf: URL(fileURLWithPath: ourName.databasePath))
            XCTAssertEqual(ourBytes, theirBytes, "cdb file bytes: \(label)")
            let listed = try TinyCDB.dump("\(theirs.path)/src.cdb")
            var ours: [String] = []
            try MapReader.open(ourName, options: Self.mapOptions(readFlags, smtputf8: smtputf8)).forEach { k, v in
                ours.append(String(decoding: k, as: UTF8.self) + "\t" + String(decoding: v, as: UTF8.self))
            }
            XCTAssertEqual(ours, listed, "dump vs cdb -d: \(label)")
            XCTAssertEqual(result.count, listed.count, "count: \(label)")
            theirDump = Set(listed)
        } else {
            theirDump = try postmap.dump(theirMap, flags: readFlags)
            let ourDump = try postmap.dump("\(ourName)", flags: readFlags)
            XCTAssertEqual(ourDump, theirDump, "dump: \(label)")
            XCTAssertEqual(result.count, ourDump.count, "count: \(label)")
        }

        guard queries else { return result }
        // Keys as stored plus case variants, in one `postmap -q -` per table: postmap reads our
        // table as its own, and MapReader reads postmap's the same way.
        let keys = theirDump.sorted().prefix(15).compactMap { $0.split(separator: "\t").first.map(String.init) }
        let probe = keys + keys.map { $0.uppercased() } + ["no-such-key@example.com"]
        let input = probe.joined(separator: "\n") + "\n"
        let expected = try postmap.run(readFlags + ["-q", "-", theirMap], input: input).stdout
        let actual = try postmap.run(readFlags + ["-q", "-", "\(ourName)"], input: input).stdout
        XCTAssertEqual(actual, expected, "postmap -q -: \(label)")
        let reader = try MapReader.open(MapName(type: type, path: "\(theirs.path)/src"),
                                        options: Self.mapOptions(flags, smtputf8: smtputf8))
        var fromReader = ""
        for key in probe {
            if let value = try reader.lookup(key) { fromReader += "\(key)\t\(value)\n" }
        }
        XCTAssertEqual(fromReader, expected, "MapReader on postmap's table: \(label)")
        return result
    }

    static func requireLMDBAndCDB(_ postmap: Postmap) throws {
        try postmap.requireDictionary("lmdb", package: "postfix-lmdb")
        try postmap.requireDictionary("cdb", package: "postfix-cdb")
    }

    static func mapOptions(_ flags: [String], smtputf8: Bool) -> MapOptions {
        var o = MapOptions(smtputf8: smtputf8)
        for f in flags {
            switch f {
            case "-f": o.foldCase = false
            case "-r": o.duplicates = .replace
            case "-w": o.duplicates = .ignore
            case "-n": o.nul = .never
            case "-N": o.nul = .always
            default: break
            }
        }
        return o
    }

    /// Paths replaced; bytes postmap's printable() would show as `?` collapsed the same way on
    /// both sides (postmap prints one `?` per byte, we may hold U+FFFD for an invalid byte).
    private func normalize(_ line: String, _ dir: String) -> String {
        let s = line.replacingOccurrences(of: dir + "/", with: "DIR/")
        var out = ""
        var lastWasMark = false
        for u in s.unicodeScalars {
            let printable = u.value >= 0x20 && u.value < 0x7F && u != "?"
            if printable { out.unicodeScalars.append(u); lastWasMark = false }
            else if !lastWasMark { out += "?"; lastWasMark = true }
        }
        return out
    }
}
