import Foundation
import TestSupport
import XCTest

/// The real `postmap` as oracle: a private config dir (Debian ships no main.cf here) and
/// helpers that build, dump and query tables with it.
struct Postmap {
    let path: String
    let configDir: URL

    /// `smtputf8` picks `smtputf8_enable` (Unicode casefold, non-UTF-8 lines skipped).
    init(smtputf8: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        path = try TestSupport.requireTool("postmap", package: "postfix", file: file, line: line)
        configDir = try TestSupport.makeTempDir("postmap-config")
        try "smtputf8_enable = \(smtputf8 ? "yes" : "no")\ncompatibility_level = 3.6\n"
            .write(to: configDir.appendingPathComponent("main.cf"), atomically: true, encoding: .utf8)
    }

    /// Fails (in CI) or skips unless Postfix has the dictionary type: lmdb and cdb come with
    /// the Debian packages postfix-lmdb and postfix-cdb.
    func requireDictionary(_ type: String, package: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix", file: file, line: line)
        let types = try Spawn.run(postconf, ["-c", configDir.path, "-m"]).stdout.split(separator: "\n")
        if types.contains(Substring(type)) { return }
        let message = "Postfix has no `\(type)` tables: install the Debian package `\(package)` (scripts/setup.sh does)"
        if TestSupport.inCI { XCTFail(message, file: file, line: line) }
        throw XCTSkip(message)
    }

    func run(_ args: [String], input: String? = nil) throws -> Spawn.Result {
        try Spawn.run(path, ["-c", configDir.path] + args, input: input)
    }

    /// Builds `type:source` with postmap; returns its warnings (prefix `postmap: warning: ` cut).
    func build(_ map: String, flags: [String] = []) throws -> [String] {
        let r = try run(flags + [map])
        XCTAssertEqual(r.status, 0, r.stderr)
        return Postmap.warnings(r.stderr)
    }

    /// `postmap -s` as a set of `key<TAB>value` lines.
    func dump(_ map: String, flags: [String] = []) throws -> Set<String> {
        let r = try run(flags + ["-s", map])
        XCTAssertEqual(r.status, 0, r.stderr)
        return Set(r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty })
    }

    func query(_ key: String, _ map: String, flags: [String] = []) throws -> (found: Bool, value: String, warnings: [String]) {
        let r = try run(flags + ["-q", key, map])
        var out = r.stdout
        if out.hasSuffix("\n") { out.removeLast() }
        return (r.status == 0, out, Postmap.warnings(r.stderr))
    }

    static func warnings(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map { line in
            let s = String(line)
            if let r = s.range(of: "postmap: warning: ") { return String(s[r.upperBound...]) }
            return s
        }
    }

    func cleanup() { try? FileManager.default.removeItem(at: configDir) }
}

/// tinycdb's `cdb` tool as oracle for what a cdb file holds (postmap cannot list a cdb table).
enum TinyCDB {
    /// `cdb -d FILE` parsed into `key<TAB>value` lines in file order, each cut at its first NUL
    /// as Postfix reads it.
    static func dump(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let tool = try TestSupport.requireTool("cdb", package: "tinycdb", file: file, line: line)
        let r = try Spawn.runBytes(tool, ["-d", path])
        XCTAssertEqual(r.status, 0, "cdb -d \(path)")
        // Records are `+klen,dlen:key->data\n`; the list ends with an empty line.
        var out: [String] = []
        let b = r.stdout
        var i = 0
        func number(until stop: UInt8) -> Int {
            var n = 0
            while i < b.count && b[i] != stop { n = n * 10 + Int(b[i] - 0x30); i += 1 }
            i += 1
            return n
        }
        while i < b.count && b[i] == 0x2B {
            i += 1
            let klen = number(until: 0x2C), dlen = number(until: 0x3A)
            let key = b[i..<(i + klen)]
            i += klen + 2
            let value = b[i..<(i + dlen)]
            i += dlen + 1
            func cut(_ s: ArraySlice<UInt8>) -> String { String(decoding: s.prefix { $0 != 0 }, as: UTF8.self) }
            out.append(cut(key) + "\t" + cut(value))
        }
        return out
    }
}
