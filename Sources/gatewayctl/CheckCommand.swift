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
        }
        let status = output.report(diagnostics)
        throw loaded.unreadable ? InputFailure.exitCode : status
    }
}
