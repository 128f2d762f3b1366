import Foundation
import ArgumentParser
import ConfigModel

/// `gatewayctl check [CONFIG]`: parse gateway.conf, run every gateway rule, report.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check gateway.conf: syntax, values and the semantic rules.",
        discussion: "Exit status: 0 no error, 1 errors (or warnings with --strict), 2 CONFIG unreadable.")

    @Argument(help: "The gateway description.")
    var config = "gateway.conf"

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key before validation.", valueName: "section.key=value"))
    var overrides: [String] = []

    @OptionGroup var output: OutputOptions

    func run() throws {
        let loaded = GatewayLoader.load(path: config, overrides: overrides)
        var diagnostics = loaded.diagnostics
        if let document = loaded.document {
            diagnostics += GatewayChecker.check(document)
            // The Postfix rules (open-relay first) on the files this gateway compiles to.
            if !diagnostics.contains(where: { $0.severity == .error }) {
                let base = (config as NSString).deletingLastPathComponent
                if let tree = try? GatewayEmitter.emit(document.gateway, baseDirectory: base.isEmpty ? "." : base) {
                    diagnostics += PostfixLinter.lint(emitted: tree, version: document.gateway.identity.postfix)
                }
            }
        }
        // `# gatewayctl: disable=RULE reason` comment lines silence the entry below them.
        if !loaded.unreadable, let bytes = FileManager.default.contents(atPath: config) {
            let (suppressions, problems) = Suppressions.parse(Array(bytes), file: config)
            diagnostics = Suppressions.apply(diagnostics + problems, suppressions)
        }
        let status = output.report(diagnostics)
        throw loaded.unreadable ? InputFailure.exitCode : status
    }
}
