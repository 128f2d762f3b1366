import ArgumentParser
import FileLayer
import ConfigModel
import Diagnostics
import FoundationEssentials
import Lint
import PostfixConfig

/// `gatewayctl lint PATH...`: lint existing Postfix configurations (and the ClamAV, amavis and
/// map files beside them) with every Postfix rule.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Lint an existing Postfix configuration: relay control, parameters, maps, ClamAV.",
        discussion: """
        PATH is a directory (searched for main.cf, postfix/, etc/postfix/, usr/local/etc/postfix/ and \
        the ClamAV/amavis files beside it) or a file: main.cf, master.cf, clamd.conf, freshclam.conf or \
        a map source. Map paths under config_directory (default /etc/postfix) resolve inside the linted \
        directory. Silence a finding with a comment line above the entry: \
        `# gatewayctl: disable=open-relay reason`. A whole run: `--disable RULE`; a whole \
        repository: `.gatewayctl.ini` (or `.gatewayctl`) in the linted directory or above it, up to \
        the repository root, with `[rules]` `disable = RULE, ...` / `enable = RULE, ...` and \
        `[severity]` `RULE = error|warning|info` lines; the command line wins. SARIF and GitHub \
        paths are relative to `--base-dir`.

        Exit status: 0 no error, 1 errors (or warnings with --strict), 2 a PATH or the repository file unreadable.
        """)

    @Argument(help: "Directories or files to lint.")
    var paths: [String]

    @Option(name: .long, help: ArgumentHelp(
        "Target Postfix version: decides defaults and names (default: main.cf's `# gatewayctl: postfix-version=X.Y`, else its compatibility_level when above 3.7, else 3.7).",
        valueName: "X.Y"))
    var postfixVersion: String?

    @Option(name: .long, help: ArgumentHelp("Do not run RULE (id or name); repeatable.", valueName: "RULE"))
    var disable: [String] = []

    @Option(name: .long, help: ArgumentHelp("Run RULE even if the repository file disables it; repeatable.", valueName: "RULE"))
    var enable: [String] = []

    @Option(name: .long, help: ArgumentHelp("Report RULE at LEVEL (error, warning, info); repeatable.", valueName: "RULE=LEVEL"))
    var severity: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Directory that SARIF and GitHub paths are relative to (default: the git repository root when inside one, else the working directory).",
        valueName: "DIR"))
    var baseDir: String?

    @Flag(name: .long, help: "Ignore the repository file (.gatewayctl.ini or .gatewayctl).")
    var noConfig = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one PATH") }
        if let v = postfixVersion, PostfixVersion(v) == nil {
            throw ValidationError("`--postfix-version \(v)` is not a version like 3.7")
        }
        _ = try commandLinePolicy()
    }

    /// `--disable`, `--enable` and `--severity` as a policy; a bad rule name is a usage error.
    func commandLinePolicy() throws -> LintPolicy {
        var p = LintPolicy()
        do {
            for r in disable { try p.disable(r) }
            for r in enable { try p.enable(r) }
            for s in severity { try p.setSeverity(s) }
        } catch {
            throw ValidationError(error.description)
        }
        return p
    }

    func run() throws {
        let version = postfixVersion.flatMap { PostfixVersion($0) }
        let target = LintTarget.resolve(paths, version: version)
        for p in target.unreadable { Terminal.error("gatewayctl: \(FileLayer.openFailure(p)?.description ?? "cannot read `\(p)`")") }
        for p in target.empty {
            Terminal.error("gatewayctl: no main.cf, master.cf, clamd.conf or freshclam.conf under `\(p)`")
        }
        let cli = try commandLinePolicy()
        var diagnostics: [Diagnostic] = []
        var linted: [String] = []
        var policyFailed = false
        for config in target.configs {
            // The repository file nearest the linted tree, overridden by the command line.
            var policy = cli
            if !noConfig, let file = LintPolicy.findFile(for: config.root.isEmpty ? "." : config.root) {
                do {
                    let bytes = try FileLayer.read(file)
                    policy = try LintPolicy.parse(bytes, file: file).overridden(by: cli)
                } catch let e as LintPolicy.PolicyError {
                    Terminal.error("gatewayctl: \(e.description)")
                    policyFailed = true
                    continue
                } catch {
                    Terminal.error("gatewayctl: \(error)")
                    policyFailed = true
                    continue
                }
            }
            diagnostics += policy.apply(PostfixLinter.lint(config))
            linted += config.lintedSummary
        }
        let failed = !target.unreadable.isEmpty || !target.empty.isEmpty || policyFailed
        let cwd = FileManager.default.currentDirectoryPath
        let status = output.report(diagnostics, linted: linted, inputFailed: failed,
                                   baseDirectory: baseDir ?? LintPolicy.repositoryRoot(containing: cwd) ?? cwd)
        throw status
    }
}
