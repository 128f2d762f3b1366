import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import Diagnostics
@testable import PostfixConfig
@testable import Lint

/// The field corpus (`Fixtures/field`, one directory per configuration, written in the pattern
/// of a real project; see its README): each lints to exactly its golden
/// (`Golden/field/NAME.txt`), every finding has a line in `Golden/field/NAME.why` saying why it
/// is right, and no finding is an error unless its line says `true error:`. No file outside a
/// fixture is read (the host's /etc/aliases must not change a result).
final class LintFieldCorpusTests: XCTestCase {
    static let fixtures = LintCorpusTests.fixtures.appendingPathComponent("field")
    static let golden = LintCorpusTests.golden.appendingPathComponent("field")

    static var configurations: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? [])
            .filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }

    func render(_ name: String) -> (text: String, findings: [Diagnostic]) {
        let dir = Self.fixtures.appendingPathComponent(name).path
        let found = LintTarget.resolve([dir], version: nil).configs.flatMap { PostfixLinter.lint($0) }
        let text = Reporter.render(found, format: .text).replacingOccurrences(of: Self.fixtures.path + "/", with: "")
        return (text, found)
    }

    func testCorpusHasTheProjectsItClaims() throws {
        XCTAssertGreaterThanOrEqual(Self.configurations.count, 10, Self.configurations.joined(separator: " "))
        let readme = try String(contentsOf: Self.fixtures.appendingPathComponent("README.md"), encoding: .utf8)
        for name in Self.configurations {
            XCTAssertTrue(readme.contains("`\(name)`"), "README.md says nothing about \(name)")
        }
    }

    func testEachConfigurationMatchesItsGoldenAndEveryFindingIsExplained() throws {
        let update = ProcessInfo.processInfo.environment["GATEWAYCTL_UPDATE_GOLDEN"] == "1"
        for name in Self.configurations {
            let (text, found) = render(name)
            let goldenFile = Self.golden.appendingPathComponent(name + ".txt")
            if update {
                try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
                try text.write(to: goldenFile, atomically: true, encoding: .utf8)
            }
            XCTAssertEqual(text, try String(contentsOf: goldenFile, encoding: .utf8), name)

            // `GW4005 debian-default/etc/postfix/main.cf:38:14 why it is right`
            guard let why = try? String(contentsOf: Self.golden.appendingPathComponent(name + ".why"), encoding: .utf8) else {
                XCTFail("\(name).why is missing")
                continue
            }
            var reasons: [String: String] = [:]
            for line in why.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 2)
                guard parts.count == 3 else { XCTFail("\(name).why: `\(line)` is not `ID file:line:col reason`"); continue }
                reasons["\(parts[0]) \(parts[1])"] = String(parts[2])
            }
            var explained = Set<String>()
            for d in found {
                let key = "\(d.id) \(d.span.file.replacingOccurrences(of: Self.fixtures.path + "/", with: "")):\(d.span.line):\(d.span.column)"
                explained.insert(key)
                guard let reason = reasons[key] else { XCTFail("\(name): no reason for `\(key)` in \(name).why"); continue }
                if d.severity == .error {
                    XCTAssertTrue(reason.hasPrefix("true error:"), "\(name): error `\(key)` is not explained as a true error")
                }
            }
            XCTAssertEqual(Set(reasons.keys).subtracting(explained), [], "\(name).why explains findings that are gone")
        }
    }

    /// postconf is the oracle for unknown parameters: with a master.cf, its `unused parameter`
    /// warnings name exactly the parameters GW3004 reports (per-transport names, renamed names
    /// and `$name` references included); without one postconf cannot tell, and stays silent.
    func testUnknownParametersAgreeWithPostconf() throws {
        let postconf = try TestSupport.requireTool("postconf", package: "postfix")
        // postconf knows the parameters of its own release only: a configuration written for a
        // newer one (compatibility_level 3.10) is linted for that release, not compared.
        let installed = PostfixVersion(try TestSupport.run(postconf, ["-h", "-d", "mail_version"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines))
        var compared = 0
        for name in Self.configurations {
            for config in LintTarget.resolve([Self.fixtures.appendingPathComponent(name).path], version: nil).configs
            where config.masterCf != nil && config.version == installed {
                let r = try TestSupport.run(postconf, ["-c", config.root, "-n"])
                let theirs = Set(r.stderr.split(separator: "\n").compactMap { line -> String? in
                    guard let range = line.range(of: "unused parameter: ") else { return nil }
                    return String(line[range.upperBound...].prefix { $0 != "=" })
                })
                let ours = Set(PostfixLinter.lint(config).filter { $0.id == "GW3004" }.compactMap {
                    $0.message.split(separator: "`").dropFirst().first.map(String.init)
                })
                XCTAssertEqual(ours, theirs, name)
                compared += theirs.count
            }
        }
        XCTAssertGreaterThan(compared, 0, "the corpus holds no unknown parameter: the comparison shows nothing")
    }

    /// Every table that lint reads for the corpus lies inside its fixture: a path outside the
    /// linted tree (`/etc/aliases`, the FreeBSD `/etc/mail/aliases`) is reported, not read.
    func testNoTableIsReadFromOutsideTheFixture() {
        for name in Self.configurations {
            for config in LintTarget.resolve([Self.fixtures.appendingPathComponent(name).path], version: nil).configs {
                for (ref, table) in config.referencedTables {
                    switch table.kind {
                    case .opaque: continue
                    default:
                        let path = table.localPath ?? ""
                        XCTAssertTrue(path.hasPrefix(Self.fixtures.path + "/"), "\(name): \(ref.reference) read from \(path)")
                    }
                }
            }
        }
    }
}
