@testable import ConfigModel
@testable import PostfixConfig
@testable import Lint
import Foundation
import TestSupport
import XCTest

/// `[gateway] table-type`: `build` writes every table in the type, Postfix's own tools read
/// them, a type change replaces the built files inside the commit protocol, and the built tree
/// lints clean.
final class BuildTableTypeTests: XCTestCase {
    private var cleanup: [() -> Void] = []
    override func tearDown() {
        for c in cleanup.reversed() { c() }
        cleanup = []
    }

    private var seed: String { TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path }
    private let debian = ["--set", "gateway.platform=debian", "--set", "gateway.postfix=3.7"]
    private let tables = ["relay_recipients", "transport", "virtual_alias_maps", "access_clients", "sender_access"]

    private func tempDir() throws -> URL {
        let d = try TestSupport.makeTempDir("gatewayctl-tabletype")
        cleanup.append { try? FileManager.default.removeItem(at: d) }
        return d
    }

    private func build(_ out: URL, _ type: String, _ extra: [String] = []) throws -> ProcessResult {
        try TestSupport.gatewayctl(["build", seed, "--out", out.path, "--set", "gateway.table-type=\(type)"] + debian + extra)
    }

    private func exists(_ out: URL, _ rel: String) -> Bool {
        FileManager.default.fileExists(atPath: out.appendingPathComponent(rel).path)
    }

    /// The real postmap answers from every table of an lmdb and a cdb build, postconf reads the
    /// built main.cf without a warning, and each key of each source is found.
    func testRealPostfixReadsLMDBAndCDBBuilds() throws {
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        for type in ["lmdb", "cdb"] {
            let out = try tempDir()
            let r = try build(out, type)
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            let etc = out.appendingPathComponent("etc/postfix")
            let types = try TestSupport.run(postconf, ["-c", etc.path, "-m"])
            XCTAssertTrue(types.stdout.split(separator: "\n").contains(Substring(type)),
                          "Postfix has no \(type) tables: install postfix-\(type)")
            let n = try TestSupport.run(postconf, ["-c", etc.path, "-n", "default_database_type"])
            XCTAssertEqual(n.stdout, "default_database_type = \(type)\n")
            XCTAssertFalse(n.stderr.contains("warning"), n.stderr)
            // simulate reads the built tables as Postfix does: a listed recipient passes, another is refused.
            let sim = try TestSupport.gatewayctl(["simulate", "--postfix", etc.path, "--client-address", "198.51.100.7",
                                                  "--helo", "mx.example.net", "--from", "friend@example.net",
                                                  "--to", "usuario1@example.com", "--to", "nobody@example.com"])
            XCTAssertTrue(sim.stdout.contains("RCPT <nobody@example.com>: 550 5.1.1"), "\(type): \(sim.stdout)")
            XCTAssertFalse(sim.stdout.contains("RCPT <usuario1@example.com>: 550"), "\(type): \(sim.stdout)")
            for name in tables {
                XCTAssertTrue(exists(out, "etc/postfix/\(name).\(type)"), "\(type): \(name)")
                XCTAssertFalse(exists(out, "etc/postfix/\(name).db"), "\(type): \(name).db")
                let source = try String(contentsOf: etc.appendingPathComponent(name), encoding: .utf8)
                for line in source.split(separator: "\n") where !line.hasPrefix("#") {
                    let fields = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
                    guard fields.count == 2 else { continue }
                    let q = try TestSupport.run(postmap, ["-c", etc.path, "-q", String(fields[0]), "\(type):\(etc.path)/\(name)"])
                    XCTAssertEqual(q.status, 0, "\(type):\(name) \(fields[0]): \(q.stderr)")
                    XCTAssertEqual(q.stdout, fields[1].trimmingCharacters(in: .whitespaces) + "\n", "\(type):\(name)")
                }
            }
        }
    }

    /// hash -> lmdb -> cdb -> btree -> hash: each switch writes the new type's files and
    /// deletes the old ones (`.db` gone when lmdb comes, and back), in one commit (a table is
    /// built from its staged source, so both are restaged); hash -> btree keeps the name `.db` but rebuilds it (the fingerprint
    /// covers the type); after each build `--check` calls the tree up to date.
    func testSwitchingTheTypeReplacesTheBuiltFiles() throws {
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        let out = try tempDir()
        XCTAssertEqual(try build(out, "hash").status, 0)
        var previous = ".db"
        for type in ["lmdb", "cdb", "btree", "hash"] {
            let suffix = type == "lmdb" || type == "cdb" ? "." + type : ".db"
            let diff = try build(out, type, ["--check"])
            XCTAssertEqual(diff.status, 1, "\(type): the old tables are stale")
            let r = try build(out, type)
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            for name in tables {
                XCTAssertTrue(exists(out, "etc/postfix/\(name)\(suffix)"), "\(type): \(name)\(suffix)")
                if previous != suffix {
                    XCTAssertFalse(exists(out, "etc/postfix/\(name)\(previous)"), "\(type): \(name)\(previous) left behind")
                }
            }
            XCTAssertEqual(try build(out, type, ["--check"]).status, 0, "\(type): up to date after the build")
            let manifest = try String(contentsOf: out.appendingPathComponent(".gatewayctl-tree"), encoding: .utf8)
            XCTAssertTrue(manifest.contains("etc/postfix/relay_recipients\(suffix)\n"), manifest)
            XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("etc/postfix/main.cf"), encoding: .utf8)
                .contains("relay_recipient_maps = \(type):/etc/postfix/relay_recipients"), true)
            // Postfix opens the file as the type main.cf names (a hash `.db` does not open as btree).
            let etc = out.appendingPathComponent("etc/postfix").path
            let q = try TestSupport.run(postmap, ["-c", etc, "-q", "usuario1@example.com", "\(type):\(etc)/relay_recipients"])
            XCTAssertEqual(q.stdout, "OK\n", "\(type): \(q.stderr)")
            previous = suffix
        }
        // No temporaries of the commit protocol are left.
        let names = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("etc/postfix").path)
        XCTAssertEqual(names.filter { $0.contains("gatewayctl-") }, [])
    }

    /// The built lmdb and cdb trees lint clean with the project's own Postfix rules.
    func testLMDBAndCDBTreesLintClean() throws {
        for type in ["lmdb", "cdb"] {
            let out = try tempDir()
            XCTAssertEqual(try build(out, type).status, 0)
            let config = try PostfixConfigSet.load(directory: out.appendingPathComponent("etc/postfix").path,
                                                   version: PostfixVersion(3, 7))
            let findings = config.diagnostics + RuleRegistry.postfixRules.flatMap { $0.check(config) }
            XCTAssertEqual(findings.filter { $0.severity != .info }.map { "\($0.span): \($0.id) \($0.message)" }, [], type)
        }
    }
}
