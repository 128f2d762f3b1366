import XCTest
import TestSupport
@testable import ConfigModel
@testable import PostfixConfig
@testable import GatewayCompiler
@testable import Lint

/// The emitted-tree path of `check`: an in-memory tree is read like a directory.
final class EmittedTreeLintTests: XCTestCase {
    func tree(relay: String, helo: String) -> EmittedTree {
        EmittedTree(platform: .freebsd, files: [
            EmittedFile(path: "usr/local/etc/postfix/main.cf", contents: """
                compatibility_level = 3.6
                config_directory = /usr/local/etc/postfix
                smtpd_relay_restrictions = \(relay)

                """),
            EmittedFile(path: "usr/local/etc/postfix/master.cf", contents: "smtp inet n - n - - smtpd\n"),
            EmittedFile(path: "usr/local/etc/postfix/helo_checks", contents: helo),
        ], restrictions: RestrictionPlan(), paths: PlatformPaths.forPlatform(.freebsd))
    }

    func testOpenRelayInAnEmittedTreeIsFound() {
        let open = PostfixLinter.lint(emitted: tree(relay: "check_helo_access pcre:/usr/local/etc/postfix/helo_checks, reject_unauth_destination",
                                                    helo: "/^partner\\./ OK\n"), version: PostfixVersion(3, 7))
        XCTAssertEqual(open.filter { $0.id == "GW2001" }.map(\.span.file), ["/usr/local/etc/postfix/main.cf"])
        let closed = PostfixLinter.lint(emitted: tree(relay: "reject_unauth_destination, check_helo_access pcre:/usr/local/etc/postfix/helo_checks",
                                                      helo: "/^partner\\./ OK\n"), version: PostfixVersion(3, 7))
        XCTAssertEqual(closed.map(\.id), [])
    }
}
