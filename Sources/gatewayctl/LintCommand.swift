import ArgumentParser
import ConfigModel
import Lint
import PostfixConfig

/// `gatewayctl lint PATH...`: lint existing Postfix configurations (and the ClamAV, amavis and
/// map files beside them) with every Postfix rule.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint an existing Postfix configuration: relay control, parameters, maps, ClamAV.",
        discussion: """
        PATH is a directory (searched for main.cf, postfix/, etc/postfix/, usr/local/etc/postfix/ and \
        the ClamAV/amavis files beside it) or a file: main.cf, master.cf, clamd.conf, freshclam.conf or \
        a map source. Map paths under config_directory (default /etc/postfix) resolve inside the linted \
        directory. Silence a finding with a comment line above the entry: \
        `# gatewayctl: disable=open-relay reason`.

        Exit status: 0 no error, 1 errors (or warnings with --strict), 2 a PATH unreadable.
        """)

    @Argument(help: "Directories or files to lint.")
    var paths: [String]

    @Option(name: .long, help: ArgumentHelp(
        "Target Postfix version: decides defaults and names (default: main.cf's `# gatewayctl: postfix-version=X.Y`, else 3.7).",
        valueName: "X.Y"))
    var postfixVersion: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one PATH") }
        if let v = postfixVersion, PostfixVersion(v) == nil {
            throw ValidationError("`--postfix-version \(v)` is not a version like 3.7")
        }
    }

    func run() throws {
        let version = postfixVersion.flatMap { PostfixVersion($0) }
        let target = LintTarget.resolve(paths, version: version)
        for p in target.unreadable { Terminal.error("gatewayctl: cannot read `\(p)`") }
        for p in target.empty {
            Terminal.error("gatewayctl: no main.cf, master.cf, clamd.conf or freshclam.conf under `\(p)`")
        }
        let diagnostics = target.configs.flatMap { PostfixLinter.lint($0) }
        let status = output.report(diagnostics)
        throw target.unreadable.isEmpty && target.empty.isEmpty ? status : InputFailure.exitCode
    }
}
