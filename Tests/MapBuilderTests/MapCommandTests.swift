import Foundation
@testable import MapBuilder
import TestSupport
import XCTest

/// `gatewayctl map build|query|dump` run as a user would, with postmap reading the results.
final class MapCommandTests: XCTestCase {
    private var dir: URL!
    private var postmap: Postmap!

    override func setUpWithError() throws {
        postmap = try Postmap()
        dir = try TestSupport.makeTempDir("mapcli")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: dir)
        postmap?.cleanup()
    }

    private func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    private func gw(_ args: [String], input: String? = nil) throws -> Spawn.Result {
        try Spawn.run(TestSupport.gatewayctlPath, args, input: input)
    }

    func testBuildQueryDumpRoundTrip() throws {
        let src = try write("access", "Usuario1@Example.com OK\nhotmail.com REJECT no gracias\nbad\nhotmail.com DUNNO\n")
        let build = try gw(["map", "build", "hash:\(src)"])
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertEqual(build.stderr, """
            \(src):3:4: warning: expected format: key whitespace value
            \(src):4:1: warning: duplicate entry: "hotmail.com"

            """)
        XCTAssertEqual(try postmap.query("usuario1@example.COM", "hash:\(src)").value, "OK")

        let one = try gw(["map", "query", "hash:\(src)", "HOTMAIL.COM"])
        XCTAssertEqual(one.status, 0)
        XCTAssertEqual(one.stdout, "REJECT no gracias\n")
        let missing = try gw(["map", "query", "hash:\(src)", "nobody@example.com"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stdout, "")
        let stdin = try gw(["map", "query", "hash:\(src)", "-"], input: "hotmail.com\nnobody\nusuario1@example.com\n")
        XCTAssertEqual(stdin.status, 0)
        XCTAssertEqual(stdin.stdout, "hotmail.com\tREJECT no gracias\nusuario1@example.com\tOK\n")

        let dump = try gw(["map", "dump", "hash:\(src)"])
        XCTAssertEqual(dump.status, 0)
        XCTAssertEqual(Set(dump.stdout.split(separator: "\n").map(String.init)), try postmap.dump("hash:\(src)"))

        let strict = try gw(["map", "build", "--force", "--strict", "hash:\(src)"])
        XCTAssertEqual(strict.status, 1)
    }

    func testFlagsAndBtree() throws {
        let src = try write("t", "Key v1\nkey v2\n")
        XCTAssertEqual(try gw(["map", "build", "-f", "-w", "btree:\(src)"]).stderr, "")
        XCTAssertEqual(try postmap.dump("btree:\(src)", flags: ["-f"]), ["Key\tv1", "key\tv2"])
        XCTAssertEqual(try gw(["map", "build", "-r", "-n", "hash:\(src)"]).status, 0)
        XCTAssertEqual(try postmap.query("KEY", "hash:\(src)", flags: ["-n"]).value, "v2")
        XCTAssertEqual(try gw(["map", "query", "-n", "hash:\(src)", "key"]).stdout, "v2\n")
    }

    func testRegexQueryAndUsageErrors() throws {
        let table = try write("helo", "/^(mail)\\.example\\.com$/ OK $1 host\n/x/q bad flag\n")
        let q = try gw(["map", "query", "pcre:\(table)", "mail.example.com"])
        XCTAssertEqual(q.status, 0)
        XCTAssertEqual(q.stdout, "OK mail host\n")
        XCTAssertEqual(q.stderr, "\(table):2:4: warning: unknown regexp option \"q\": skipping this rule\n")
        XCTAssertEqual(try gw(["map", "query", "regexp:\(table)", "other"]).status, 1)
        // build on a regex table checks it: warnings, nothing written, --strict fails.
        let check = try gw(["map", "build", "pcre:\(table)"])
        XCTAssertEqual(check.status, 0)
        XCTAssertEqual(check.stderr, q.stderr)
        XCTAssertEqual(try gw(["map", "build", "--strict", "regexp:\(table)"]).status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: table + ".db"))
        XCTAssertEqual(try gw(["map", "build", "-i", "pcre:\(table)"]).status, 64)
        XCTAssertEqual(try gw(["map", "build", "-N", "-n", "hash:\(table)"]).status, 64)
        XCTAssertEqual(try gw(["map", "dump", "regexp:\(table)"]).status, 64)
        XCTAssertEqual(try gw(["map", "build", "nosuchtype:\(table)"]).status, 64)
        let unreadable = try gw(["map", "build", "hash:\(dir.path)/missing"])
        XCTAssertEqual(unreadable.status, 2)
        XCTAssertTrue(unreadable.stderr.contains("missing"), unreadable.stderr)
        XCTAssertEqual(try gw(["map", "query", "hash:\(dir.path)/missing", "k"]).status, 2)
    }

    func testIncrementalFromStdinMatchesPostmapI() throws {
        let theirs = try write("inc-a", "a 1\nb 2\n")
        let ours = try write("inc-b", "a 1\nb 2\n")
        _ = try postmap.build("hash:\(theirs)")
        XCTAssertEqual(try gw(["map", "build", "hash:\(ours)"]).status, 0)
        let input = "A 9\nc 3\nbad\n"
        let expected = try postmap.run(["-i", "hash:\(theirs)"], input: input)
        let actual = try gw(["map", "build", "-i", "hash:\(ours)"], input: input)
        XCTAssertEqual(actual.status, 0, actual.stderr)
        XCTAssertEqual(Postmap.warnings(expected.stderr).count, 2)
        XCTAssertEqual(actual.stderr, "stdin:1:1: warning: duplicate entry: \"a\"\n"
                                      + "stdin:3:4: warning: expected format: key whitespace value\n")
        XCTAssertEqual(try postmap.dump("hash:\(ours)"), try postmap.dump("hash:\(theirs)"))
        _ = try postmap.run(["-i", "-r", "hash:\(theirs)"], input: "c 4\n")
        XCTAssertEqual(try gw(["map", "build", "-i", "-r", "hash:\(ours)"], input: "c 4\n").status, 0)
        XCTAssertEqual(try postmap.dump("hash:\(ours)"), try postmap.dump("hash:\(theirs)"))
    }

    func testModeFollowsSourceReadBitsNeverWrite() throws {
        for (mode, expected) in [(0o640, 0o640), (0o600, 0o600), (0o666, 0o644), (0o604, 0o604)] {
            let src = try write("m\(mode)", "k v\n", mode: mode)
            XCTAssertEqual(try gw(["map", "build", "hash:\(src)"]).status, 0)
            let attrs = try FileManager.default.attributesOfItem(atPath: src + ".db")
            XCTAssertEqual((attrs[.posixPermissions] as? Int), expected, "source mode \(String(mode, radix: 8))")
        }
    }

    func testTableBelongsToTheSourceOwnerWhenRunAsRoot() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root (postmap's owner rule applies to root only)") }
        let src = try write("owned", "k v\n")
        XCTAssertEqual(chown(src, 65534, 65534), 0)
        XCTAssertEqual(try gw(["map", "build", "hash:\(src)"]).status, 0)
        let attrs = try FileManager.default.attributesOfItem(atPath: src + ".db")
        XCTAssertEqual(attrs[.ownerAccountID] as? UInt, 65534)
        XCTAssertEqual(attrs[.groupOwnerAccountID] as? UInt, 65534)
    }

    func testRefusesSymlinkTargetAndKeepsIt() throws {
        let src = try write("s", "k v\n")
        let elsewhere = try write("elsewhere", "do not touch\n")
        try FileManager.default.createSymbolicLink(atPath: src + ".db", withDestinationPath: elsewhere)
        let r = try gw(["map", "build", "hash:\(src)"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("symbolic link"), r.stderr)
        XCTAssertEqual(try String(contentsOfFile: elsewhere, encoding: .utf8), "do not touch\n")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: src + ".db"), elsewhere)
    }

    func testIncrementalSkipAndForce() throws {
        let src = try write("inc", "k v1\n")
        XCTAssertEqual(try gw(["map", "build", "hash:\(src)"]).status, 0)
        let inode1 = try inode(src + ".db")
        XCTAssertEqual(try gw(["map", "build", "hash:\(src)"]).status, 0)
        XCTAssertEqual(try inode(src + ".db"), inode1, "unchanged source: table must be left alone")
        // Same content, other options: rebuilt.
        XCTAssertEqual(try gw(["map", "build", "-n", "hash:\(src)"]).status, 0)
        let inode2 = try inode(src + ".db")
        XCTAssertNotEqual(inode2, inode1)
        XCTAssertEqual(try gw(["map", "build", "--force", "-n", "hash:\(src)"]).status, 0)
        XCTAssertNotEqual(try inode(src + ".db"), inode2, "--force rebuilds")
        _ = try write("inc", "k v2\n")
        XCTAssertEqual(try gw(["map", "build", "-n", "hash:\(src)"]).status, 0)
        XCTAssertEqual(try postmap.query("k", "hash:\(src)").value, "v2")
    }

    func testStaleTempFilesOfDeadBuildsAreRemoved() throws {
        let src = try write("st", "k v\n")
        let dead = dir.appendingPathComponent(".st.db.gatewayctl-2147483646-7").path
        let alive = dir.appendingPathComponent(".st.db.gatewayctl-\(getpid())-7").path
        for p in [dead, alive] { _ = FileManager.default.createFile(atPath: p, contents: Data()) }
        XCTAssertEqual(try gw(["map", "build", "hash:\(src)"]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
        XCTAssertTrue(FileManager.default.fileExists(atPath: alive), "a running build's temp file is not ours to delete")
    }

    func testAbortedWriterKeepsOldTable() throws {
        let src = try write("ab", "k old\n")
        XCTAssertEqual(try gw(["map", "build", "hash:\(src)"]).status, 0)
        let writer = try openMapWriter(MapName(type: .hash, path: src))
        try writer.append(key: "k", value: "new")
        writer.abort()
        XCTAssertEqual(try postmap.query("k", "hash:\(src)").value, "old")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("gatewayctl-") }
        XCTAssertEqual(leftovers, [])
    }

    /// lmdb and cdb through the command line: warnings in each dictionary's words, `query` and
    /// `dump` printing what postmap prints (`cdb -d` for cdb), mode and skip as for hash, no
    /// lmdb lock file, and `-i` as postmap: lmdb takes it, cdb refuses.
    func testLMDBAndCDBBuildQueryDumpAndIncremental() throws {
        try postmap.requireDictionary("lmdb", package: "postfix-lmdb")
        try postmap.requireDictionary("cdb", package: "postfix-cdb")
        for type in [MapType.lmdb, .cdb] {
            let text = "Usuario1@Example.com OK\nhotmail.com REJECT no gracias\nbad\nhotmail.com DUNNO\nzz 1\n"
            let src = try write("access-\(type)", text, mode: 0o640)
            let map = "\(type):\(src)"
            let build = try gw(["map", "build", map])
            XCTAssertEqual(build.status, 0, build.stderr)
            XCTAssertEqual(build.stderr, """
                \(src):3:4: warning: expected format: key whitespace value
                \(src):4:1: warning: duplicate entry: "hotmail.com"

                """)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("access-\(type)") }.sorted(),
                           ["access-\(type)", "access-\(type)" + type.databaseSuffix])
            let attrs = try FileManager.default.attributesOfItem(atPath: src + type.databaseSuffix)
            XCTAssertEqual(attrs[.posixPermissions] as? Int, 0o640, "\(type)")
            XCTAssertEqual(try postmap.query("USUARIO1@example.com", map).value, "OK")

            let keys = "HOTMAIL.COM\nnobody\nusuario1@example.com\n"
            let ours = try gw(["map", "query", map, "-"], input: keys)
            let theirs = try postmap.run(["-q", "-", map], input: keys)
            XCTAssertEqual(ours.stdout, theirs.stdout, "\(type)")
            XCTAssertEqual(ours.status, 0)
            XCTAssertEqual(try gw(["map", "query", map, "nobody"]).status, 1)

            let dump = try gw(["map", "dump", map])
            XCTAssertEqual(dump.status, 0, dump.stderr)
            if type == .cdb {
                XCTAssertEqual(dump.stdout.split(separator: "\n").map(String.init), try TinyCDB.dump(src + ".cdb"))
            } else {
                XCTAssertEqual(dump.stdout, try postmap.run(["-s", map]).stdout, "byte for byte, in lmdb's key order")
            }

            let inode1 = try inode(src + type.databaseSuffix)
            XCTAssertEqual(try gw(["map", "build", map]).status, 0)
            XCTAssertEqual(try inode(src + type.databaseSuffix), inode1, "\(type): unchanged source, table left alone")

            let add = try gw(["map", "build", "-i", map], input: "A 9\nnew 3\n")
            if type == .cdb {
                XCTAssertEqual(try postmap.run(["-i", map], input: "new 3\n").status, 1, "postmap -i cdb: fails too")
                XCTAssertEqual(add.status, 2)
                XCTAssertTrue(add.stderr.contains("cannot be updated incrementally"), add.stderr)
                XCTAssertEqual(try inode(src + type.databaseSuffix), inode1, "the table is left as it was")
            } else {
                XCTAssertEqual(add.status, 0, add.stderr)
                let copy = try write("access-copy", text)
                _ = try postmap.build("lmdb:\(copy)")
                _ = try postmap.run(["-i", "lmdb:\(copy)"], input: "A 9\nnew 3\n")
                XCTAssertEqual(try postmap.dump(map), try postmap.dump("lmdb:\(copy)"))
                XCTAssertEqual(try postmap.query("new", map).value, "3")
            }
        }
    }

    /// Keys and values that are not UTF-8 come back byte for byte, as from postmap: `dump` as
    /// `postmap -s`, `query` with the key as raw argv bytes and from stdin (lines split at "\n"
    /// only: a "\r" stays in the key, as postmap reads it).
    func testNonUTF8KeysAndValuesByteExact() throws {
        try postmap.requireDictionary("lmdb", package: "postfix-lmdb")
        try postmap.requireDictionary("cdb", package: "postfix-cdb")
        let text: [UInt8] = Array("CAF".utf8) + [0xE9] + Array(" v".utf8) + [0xFF, 0x31] + [0x0A]
            + [0xC3, 0x28] + Array("@x OK\nplain\r v\r\nlatin1 ".utf8) + [0xE9, 0xE8, 0x0A]
        for type in [MapType.hash, .lmdb, .cdb] {
            let src = dir.appendingPathComponent("raw-\(type)").path
            try Data(text).write(to: URL(fileURLWithPath: src))
            let map = "\(type):\(src)"
            XCTAssertEqual(try gw(["map", "build", map]).status, 0)
            if type != .cdb {
                let ours = try Spawn.runBytes(TestSupport.gatewayctlPath, ["map", "dump", map])
                let theirs = try Spawn.runBytes(postmap.path, ["-c", postmap.configDir.path, "-s", map])
                XCTAssertEqual(ours.stdout, theirs.stdout, "dump \(type)")
                XCTAssertEqual(ours.stdout.count, theirs.stdout.count)
            }
            for key: [UInt8] in [Array("caf".utf8) + [0xE9], [0xC3, 0x28] + Array("@X".utf8), Array("LATIN1".utf8)] {
                let ours = try Spawn.runBytes(TestSupport.gatewayctlPath, arguments: [Array("map".utf8), Array("query".utf8), Array(map.utf8), key])
                let theirs = try Spawn.runBytes(postmap.path, arguments: [Array("-c".utf8), Array(postmap.configDir.path.utf8),
                                                                          Array("-q".utf8), key, Array(map.utf8)])
                XCTAssertEqual(ours.stdout, theirs.stdout, "query \(type) \(key)")
                XCTAssertEqual(ours.status, theirs.status, "query \(type) \(key)")
                XCTAssertEqual(ours.status, 0, "query \(type) \(key)")
            }
            let keys: [UInt8] = Array("caf".utf8) + [0xE9, 0x0A, 0xC3, 0x28] + Array("@X\nplain\r\nplain\nnone".utf8)
            let ours = try Spawn.runBytes(TestSupport.gatewayctlPath, ["map", "query", map, "-"], input: keys)
            let theirs = try Spawn.runBytes(postmap.path, ["-c", postmap.configDir.path, "-q", "-", map], input: keys)
            XCTAssertEqual(ours.stdout, theirs.stdout, "query - \(type)")
            XCTAssertEqual(ours.status, 0)
        }
    }

    /// A `-w` cdb table keeps every duplicate record: `map dump` lists them all (as `cdb -d`),
    /// `MapReader.dump()` (what lint reads) only the ones a lookup can return.
    func testCDBDuplicatesKeptByDashW() throws {
        let src = try write("dupw", "a 1\nA 2\nb 3\n")
        XCTAssertEqual(try gw(["map", "build", "-w", "cdb:\(src)"]).status, 0)
        XCTAssertEqual(try gw(["map", "dump", "cdb:\(src)"]).stdout, "a\t1\na\t2\nb\t3\n")
        XCTAssertEqual(try gw(["map", "query", "cdb:\(src)", "A"]).stdout, "1\n")
        let dump = try MapReader.open(MapName(type: .cdb, path: src)).dump()
        XCTAssertEqual(dump.map { "\($0.key)=\($0.value)" }, ["a=1", "b=3"])
    }

    /// Damaged lmdb and cdb files are refused with exit 2 and a message, never a crash: empty,
    /// garbage, and truncated (lmdb maps the file: pages past its end would be a SIGBUS).
    func testDamagedLMDBAndCDBTablesAreRefused() throws {
        var text = ""
        for i in 0..<3000 { text += "user\(i)@example.com OK\n" }
        for type in [MapType.lmdb, .cdb] {
            let src = try write("good-\(type)", text)
            XCTAssertEqual(try gw(["map", "build", "\(type):\(src)"]).status, 0)
            let good = try Data(contentsOf: URL(fileURLWithPath: src + type.databaseSuffix))
            var rng = SplitMix64(seed: 5)
            let garbage = Data((0..<3000).map { _ in UInt8.random(in: 0...255, using: &rng) })
            for (label, bytes) in [("empty", Data()), ("garbage", garbage), ("truncated", good.prefix(good.count / 2))] {
                let path = dir.appendingPathComponent("\(label)-\(type)").path
                try bytes.write(to: URL(fileURLWithPath: path + type.databaseSuffix))
                for args in [["map", "dump", "\(type):\(path)"], ["map", "query", "\(type):\(path)", "user1@example.com"]] {
                    let r = try gw(args)
                    XCTAssertEqual(r.status, 2, "\(label) \(args): \(r.stderr)")
                    XCTAssertTrue(r.stderr.hasPrefix("gatewayctl: error: "), "\(label) \(args): \(r.stderr)")
                }
            }
        }
    }

    private func inode(_ path: String) throws -> UInt64 {
        try (FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64) ?? 0
    }
}
