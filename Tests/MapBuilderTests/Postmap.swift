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
