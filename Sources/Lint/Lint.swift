/// Judging configurations: the rules (one file each under `Rules/<family>/`, internal to this
/// module, registered in `RuleRegistry`), the suppression pass (`# gatewayctl: disable=RULE
/// reason`, unused ones reported), and the two drivers: `GatewayChecker` (`check`/`build`: the
/// gateway rules plus the compiled-output rules over one `Compilation`) and `PostfixLinter`
/// with `LintTarget` (`lint PATH...`). Knows no command line, does no terminal I/O.
///
/// Public API
/// - `GatewayChecker.check(path:overrides:)` -> `Checked` (compilation + findings),
///   `GatewayChecker.check(compilation)`.
/// - `LintTarget.resolve(paths, version:)` -> configurations; `PostfixLinter.lint(config)`.
/// - `RuleRegistry.descriptions`, `.description(for: "GW2001" | "open-relay")`, `RuleManPage`.
public enum Lint {
    public static let libraryName = "Lint"
}
