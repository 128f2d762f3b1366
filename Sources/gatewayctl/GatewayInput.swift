import ArgumentParser
import ConfigModel
import Lint

/// The gateway.conf argument and its `--set` overrides, shared by `check` and `build`.
struct GatewayInput: ParsableArguments {
    @Argument(help: "The gateway description.")
    var config = "gateway.conf"

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key before validation.", valueName: "section.key=value"))
    var overrides: [String] = []

    /// Parse, every rule, suppressions: exactly what `check` reports.
    func check() -> GatewayChecker.Checked { GatewayChecker.check(path: config, overrides: overrides) }
}
