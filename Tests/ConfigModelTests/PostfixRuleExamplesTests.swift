import Foundation
import XCTest
import TestSupport
@testable import ConfigModel
@testable import Lint

/// The Postfix rules' examples, run by RuleExamplesTests' generic tests: each example is a
/// config directory (main.cf first, then master.cf, maps, clamd.conf ...) linted as `gatewayctl
/// lint DIR` would.
extension RuleExamplesTests {
    static var postfixCases: [RuleCase] {
        RuleRegistry.postfixRules.map { rule in
            RuleCase(description: type(of: rule).description, run: { dir, _ in
                LintTarget.resolve([dir.path], version: nil).configs.flatMap { rule.check($0) }
            }, needsCleanParse: false)
        } + RuleRegistry.all.filter { !($0 is any PostfixRule) && !($0 is any GatewayRule) }.map { rule in
            // Findings the linter itself produces (unused suppressions): the whole lint pass.
            RuleCase(description: type(of: rule).description, run: { dir, _ in
                LintTarget.resolve([dir.path], version: nil).configs.flatMap { PostfixLinter.lint($0) }
            }, needsCleanParse: false)
        }
    }
}
