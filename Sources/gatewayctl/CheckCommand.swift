import ArgumentParser
import ConfigModel

/// `gatewayctl check [CONFIG]`: parse gateway.conf, run every gateway rule, report.
/// A new option or flag must also go into `FastArguments` (FastArgumentsTests fails until it does).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check gateway.conf: syntax, values and the semantic rules.",
        discussion: "Exit status: 0 no error, 1 errors (or warnings with --strict), 2 CONFIG unreadable.")

    @OptionGroup var input: GatewayInput
    @OptionGroup var output: OutputOptions

    func run() throws {
        let checked = input.check()
        let status = output.report(checked.diagnostics)
        throw checked.unreadable ? InputFailure.exitCode : status
    }
}
