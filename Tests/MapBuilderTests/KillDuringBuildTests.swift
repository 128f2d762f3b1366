import Foundation
@testable import MapBuilder
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// SIGKILL `gatewayctl map build` at random moments, many times: the target must always be the
/// complete old table or the complete new one, readable by postmap, never a mix; for hash, lmdb
/// and cdb.
final class KillDuringBuildTests: XCTestCase {
    static let entries = 40_000
    static let kills = 30

    func testKilledBuildsLeaveOldOrNewTable() throws {
        try killBuilds(.hash)
    }

    func testKilledLMDBBuildsLeaveOldOrNewTable() throws {
        try killBuilds(.lmdb)
    }

    func testKilledCDBBuildsLeaveOldOrNewTable() throws {
        try killBuilds(.cdb)
    }

    private func killBuilds(_ type: MapType) throws {
        let postmap = try Postmap()
        defer { postmap.cleanup() }
        if let package = type.debianPackage { try postmap.requireDictionary(type.rawValue, package: package) }
        let dir = try TestSupport.makeTempDir("mapkill")
        defer { try? FileManager.default.removeItem(at: dir) }
        let src = dir.appendingPathComponent("recipients").path
        let map = "\(type.rawValue):\(src)"

        func source(_ value: String) -> String {
            var s = ""
            s.reserveCapacity(Self.entries * 40)
            for i in 0..<Self.entries { s += "usuario\(i)@example.com \(value)\n" }
            return s
        }
        let versions = [source("OLD"), source("NEW")]

        /// Which version the table holds, failing unless it is exactly one of them, whole.
        func state(_ label: String) throws -> Int? {
            let lines: [Substring]
            if type == .cdb {
                // postmap cannot list a cdb table; tinycdb's `cdb -d` can.
                lines = try TinyCDB.dump(src + type.databaseSuffix).map { Substring($0) }
            } else {
                let r = try postmap.run(["-s", map])
                XCTAssertEqual(r.status, 0, "\(label): postmap cannot read the table: \(r.stderr)")
                lines = r.stdout.split(separator: "\n")
            }
            let values = Set(lines.map { $0.split(separator: "\t").last.map(String.init) ?? "" })
            XCTAssertEqual(lines.count, Self.entries, "\(label): incomplete table")
            XCTAssertEqual(values.count, 1, "\(label): a mix of old and new values: \(values)")
            XCTAssertEqual(try postmap.query("USUARIO7@example.com", map).found, true, label)
            return values.first.map { $0 == "OLD" ? 0 : 1 }
        }

        try versions[0].write(toFile: src, atomically: true, encoding: .utf8)
        let start = Date()
        XCTAssertEqual(try Spawn.run(TestSupport.gatewayctlPath, ["map", "build", map]).status, 0)
        let full = max(Date().timeIntervalSince(start), 0.05)
        var current = try state("initial build")
        XCTAssertEqual(current, 0)

        var rng = SplitMix64(seed: 42)
        var completed = 0
        for kill in 0..<Self.kills {
            let next = (current ?? 0) == 0 ? 1 : 0
            try versions[next].write(toFile: src, atomically: true, encoding: .utf8)
            let pid = try spawn(TestSupport.gatewayctlPath, ["map", "build", "--force", map])
            usleep(UInt32(Double.random(in: 0...(full * 1.1), using: &rng) * 1_000_000))
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let now = try state("kill \(kill)")
            XCTAssertTrue(now == current || now == next, "kill \(kill): table from neither version")
            if now == next { completed += 1 }
            current = now
        }
        // Some kills must land mid-build, or the test proves nothing.
        XCTAssertLessThan(completed, Self.kills, "every build finished before its kill")

        // A normal build afterwards cleans the temp files the killed builds left.
        XCTAssertEqual(try Spawn.run(TestSupport.gatewayctlPath, ["map", "build", "--force", map]).status, 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("gatewayctl-") }
        XCTAssertEqual(leftovers, [])
        // Postfix opens lmdb tables with MDB_NOLOCK: no FILE.lmdb-lock may appear.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       ["recipients", "recipients" + type.databaseSuffix], type.rawValue)
    }

    private func spawn(_ path: String, _ args: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard rc == 0 else { throw NSError(domain: "spawn", code: Int(rc)) }
        return pid
    }
}
