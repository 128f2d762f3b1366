import ArgumentParser
import ConfigModel
import MapBuilder
import GatewayCompiler

/// `gatewayctl build [CONFIG] --out DIR`: check gateway.conf, emit every file under DIR in the
/// platform's layout, build the hash tables, print a summary. `--diff` and `--check` only
/// compare with DIR and write nothing.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Emit every file of the gateway under DIR and build its lookup tables.",
        discussion: """
        The tree follows the platform: usr/local/etc/... for freebsd, etc/... for debian. \
        Writing is all or nothing: on any error the previous files stay as they were, and a build \
        that was killed is rolled back by the next one. A second build of the same DIR waits for \
        the first (DIR/.gatewayctl-lock). \
        A gateway.conf with error-level findings is refused.

        --diff prints a unified diff against DIR and writes nothing. --check writes nothing and \
        exits 1 when DIR differs from what the build would write (for CI).

        Exit status: 0 built (or up to date), 1 findings or stale DIR, 2 CONFIG unreadable or \
        an I/O failure, 64 usage error.
        """)

    @OptionGroup var input: GatewayInput

    @Option(name: .long, help: ArgumentHelp("Root of the output tree.", valueName: "DIR"))
    var out: String

    @Flag(name: .long, help: "Print a unified diff against DIR; write nothing.")
    var diff = false

    @Flag(name: .long, help: "Exit 1 when DIR is stale; write nothing.")
    var check = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        let config = input.config
        let checked = input.check()
        let diagnostics = checked.diagnostics
        guard let document = checked.document else {
            let status = output.report(diagnostics)
            throw checked.unreadable ? InputFailure.exitCode : (status == .success ? ExitCode(1) : status)
        }
        let refused = diagnostics.contains { $0.severity == .error || (output.strict && $0.severity == .warning) }
        if refused {
            _ = output.report(diagnostics)
            summary("error: `\(config)` has errors; nothing written to `\(out)`")
            throw ExitCode(1)
        }
        // An emit failure is already an error-level finding of the compilation, so a tree
        // exists whenever nothing was refused.
        guard let tree = checked.tree else {
            _ = output.report(diagnostics)
            summary("error: `\(config)` cannot be emitted; nothing written to `\(out)`")
            throw ExitCode(1)
        }
        if !diagnostics.isEmpty || output.format != .text { _ = output.report(diagnostics) }

        if diff || check {
            try compare(tree)
            return
        }
        let report: TreeWriter.Report
        do {
            report = try TreeWriter.write(tree, to: out, buildDatabase: MapDatabases.builder(smtputf8: tree.smtputf8)) {
                Terminal.error("note: another build holds `\(out)/\(TreeWriter.lockName)`; waiting for it to finish")
            }
        } catch {
            Terminal.error("error: \(error.message)"
                           + (error.pendingRollback ? "" : "\nnote: the previous contents of `\(out)` are unchanged"))
            throw InputFailure.exitCode
        }
        if let real = report.resolvedRoot { Terminal.error("note: `\(out)` is a symbolic link; built into `\(real)`") }
        if report.recovered { Terminal.error("note: rolled back an interrupted build of `\(out)` before this one") }
        for w in report.warnings { Terminal.error("warning: \(w)") }
        let g = document.gateway.identity
        summary("built \(g.hostname) for \(g.platform.rawValue), Postfix \(g.postfix): "
                + "\(tree.files.count) files, \(tree.maps.count) tables -> \(out) "
                + "(\(report.written.count) written, \(report.unchanged.count) unchanged"
                + (report.removed.isEmpty ? ")" : ", \(report.removed.count) removed)"))
        printHostSteps(tree)
    }

    /// What files cannot do (group membership, directories, packet filter, services): the
    /// emitted script, printed so the admin sees the steps before running them.
    func printHostSteps(_ tree: EmittedTree) {
        guard output.format == .text, let script = tree.file(absolute: tree.paths.hostSetup) else { return }
        Terminal.write("\nhost steps: review, copy the tree to the target's root, then run as root \(tree.paths.hostSetup)\n"
                       + "(in this build: \(out.hasSuffix("/") ? out : out + "/")\(script.path)):\n\n" + script.contents)
    }

    /// `--diff` / `--check`: what the build would change in DIR.
    func compare(_ tree: EmittedTree) throws {
        let statuses = TreeWriter.status(of: tree, in: out, databases: true)
        var text = ""
        for (path, status) in statuses {
            if status == .same || !diff { continue }
            let file = tree.file(path)
            if let stream = file?.stream, stream.size > TreeWriter.diffableSize {
                // Millions of lines (a recipients file): one line, not two copies in memory.
                text += "Large file differs: \(path) (\(stream.size) bytes, streamed from its source; not diffed)\n"
                continue
            }
            let new = file?.contents
            switch status {
            case .same: continue
            case .missing:
                guard diff else { continue }
                if let new {
                    text += UnifiedDiff.diff(old: "", new: new, oldName: "/dev/null", newName: "b/" + path)
                } else {
                    text += "Only in build: \(path)\n"
                }
            case .changed(let old):
                if diff, let new { text += UnifiedDiff.diff(old: old, new: new, oldName: "a/" + path, newName: "b/" + path) }
                if diff, new == nil { text += "Stale table: \(path) (not built from the source's current contents; the build rebuilds it)\n" }
            case .obsolete:
                if diff { text += "Only in \(out): \(path) (no longer part of the gateway; the build deletes it)\n" }
            }
        }
        var stale = statuses.filter { $0.status != .same }.map(\.path)
        if TreeWriter.interrupted(in: out) {
            // Its files may be a mix of two builds; the next build rolls it back first.
            stale.insert(TreeWriter.journalName, at: 0)
            if diff { text = "Interrupted build: \(out) holds the journal of a build that did not finish (the next build rolls it back)\n" + text }
        }
        if diff { Terminal.write(text) }
        if check {
            if stale.isEmpty {
                summary("`\(out)` is up to date")
            } else {
                summary("`\(out)` is stale: \(stale.count) of \(statuses.count) files differ (\(stale.prefix(5).joined(separator: ", "))\(stale.count > 5 ? ", ..." : ""))")
                throw ExitCode(1)
            }
        }
    }

    /// The summary goes beside the findings: stdout for text, stderr when stdout is JSON/SARIF.
    func summary(_ line: String) {
        if output.format == .text { Terminal.write(line + "\n") } else { Terminal.error(line) }
    }
}

/// Indexed tables (hash, btree, lmdb, cdb: the gateway's table type) are compiled by MapBuilder
/// (postmap's semantics), never by running postmap.
enum MapDatabases {
    /// As postmap on the target: `smtputf8` casefolds non-ASCII keys (`EmittedTree.smtputf8`).
    static func builder(smtputf8: Bool) -> TreeWriter.DatabaseBuilder {
        { source, type in
            try MapBuild.build(MapName(type: type, path: source),
                               options: MapBuildOptions(map: MapOptions(smtputf8: smtputf8), force: true))
                .warnings.map { (line: $0.line, message: $0.message) }
        }
    }
}
