import ArgumentParser
import MapBuilder

/// `gatewayctl map build|query|dump`: postmap's job, built natively.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Build, query and dump Postfix lookup tables (postmap-compatible).",
        discussion: """
        Tables are named TYPE:FILE as in main.cf (hash, btree, lmdb, cdb; pcre and regexp for \
        query). A bare FILE means hash:FILE.
        """,
        subcommands: [MapBuildCommand.self, MapQueryCommand.self, MapDumpCommand.self])
}

/// postmap's table-semantics flags, shared by build, query and dump.
struct MapSemanticsOptions: ParsableArguments {
    @Flag(name: .customShort("f"), help: "Do not fold keys to lower case.")
    var noFold = false

    @Flag(name: .customShort("N"), help: "Include the terminating NUL in keys and values.")
    var withNul = false

    @Flag(name: .customShort("n"), help: "Omit the terminating NUL from keys and values.")
    var withoutNul = false

    @Flag(name: .long, help: "SMTPUTF8 semantics: Unicode casefold; non-UTF-8 source lines are skipped.")
    var smtputf8 = false

    func validate() throws {
        if withNul && withoutNul { throw ValidationError("-N and -n exclude each other") }
    }

    func mapOptions(duplicates: DuplicatePolicy = .warn) -> MapOptions {
        MapOptions(foldCase: !noFold, smtputf8: smtputf8, duplicates: duplicates,
                   nul: withNul ? .always : withoutNul ? .never : .auto)
    }
}

extension MapName: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}

enum MapOutput {
    /// `file:line:col: warning: message`, one per line, on stderr.
    static func warnings(_ warnings: [MapWarning]) {
        guard !warnings.isEmpty else { return }
        Terminal.error(warnings.map(\.description).joined(separator: "\n"))
    }

    /// `gatewayctl: error: ...` for failures that stop the command.
    static func failure(_ message: String) {
        Terminal.error("gatewayctl: error: \(message)")
    }
}
