import ArgumentParser
import MapBuilder

/// `gatewayctl map build TYPE:FILE...`: postmap TYPE:FILE, atomically and incrementally.
struct MapBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build FILE.db, FILE.lmdb or FILE.cdb from FILE for each table (postmap's format, warnings and flags); check pcre/regexp tables.",
        discussion: """
        pcre: and regexp: tables are not built (Postfix reads them as they are): they are compiled \
        and their warnings reported, nothing is written.

        The table is written beside the target, fsynced and renamed over it: readers see the old \
        or the new table, never a mix, and the old one stays when anything fails. The mode follows \
        the source's group/other read bits. A table built from the same content is skipped unless \
        --force.

        Exit status: 0 built (warnings do not fail unless --strict), 1 warnings with --strict, \
        2 a source could not be read or a table could not be written, 64 usage error.
        """)

    @OptionGroup var semantics: MapSemanticsOptions

    @Flag(name: .customShort("r"), help: "Last duplicate wins, silently.")
    var replace = false

    @Flag(name: .customShort("w"), help: "First duplicate wins, silently (cdb: every duplicate is stored, lookups find the first).")
    var ignoreDuplicates = false

    @Flag(name: .long, help: "Rebuild even when the table is up to date.")
    var force = false

    @Flag(name: .customShort("i"), help: "Incremental: add records read from stdin to the (one) table (not cdb, which is rebuilt whole).")
    var incremental = false

    @Flag(name: .long, help: "Exit 1 when there is any warning.")
    var strict = false

    @Argument(help: ArgumentHelp("Tables to build.", valueName: "TYPE:FILE"))
    var maps: [MapName]

    func validate() throws {
        if incremental && (maps.count != 1 || maps.contains { !$0.type.isIndexed }) {
            throw ValidationError("-i takes exactly one hash, btree or lmdb TYPE:FILE")
        }
    }

    func run() throws {
        // postmap: the last of -r and -w wins; here both at once is a usage error.
        if replace && ignoreDuplicates { throw ValidationError("-r and -w exclude each other") }
        let policy: DuplicatePolicy = replace ? .replace : ignoreDuplicates ? .ignore : .warn
        let options = MapBuildOptions(map: semantics.mapOptions(duplicates: policy), force: force)
        var failed = false
        var warned = false
        for map in maps {
            let bar = ProgressBar(label: map.path)
            do {
                let warnings: [MapWarning]
                switch map.type {
                case .pcre, .regexp:
                    warnings = try RegexTable.parse(contentsOf: map.path, flavor: map.type == .pcre ? .pcre : .regexp).warnings
                default:
                    let result = incremental
                        ? try MapBuild.update(map, input: StandardInput.bytes(), options: options)
                        : try MapBuild.build(map, options: options, progress: bar.update)
                    warnings = result.warnings
                }
                bar.finish()
                MapOutput.warnings(warnings)
                warned = warned || !warnings.isEmpty
            } catch let error as MapError {
                bar.finish()
                MapOutput.failure(error.message)
                failed = true
            }
        }
        if failed { throw InputFailure.exitCode }
        if strict && warned { throw ExitCode(1) }
    }
}
