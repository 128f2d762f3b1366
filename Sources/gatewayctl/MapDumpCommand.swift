import ArgumentParser
import MapBuilder

/// `gatewayctl map dump TYPE:FILE`: postmap -s.
struct MapDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print every KEY<TAB>VALUE of a built table, in database order (cdb: file order, duplicates of a -w build included).",
        discussion: "Exit status: 0 printed, 2 the table could not be read, 64 usage error.")

    @OptionGroup var semantics: MapSemanticsOptions

    @Argument(help: ArgumentHelp("The table.", valueName: "TYPE:FILE"))
    var map: MapName

    func validate() throws {
        if !map.type.isIndexed {
            throw ValidationError("`\(map)`: \(map.type.rawValue) tables have no records to dump; use `gatewayctl map query`")
        }
    }

    func run() throws {
        var out: [UInt8] = []
        do {
            let reader = try MapReader.open(map, options: semantics.mapOptions())
            try reader.forEach { key, value in
                out.append(contentsOf: key)
                out.append(0x09)
                out.append(contentsOf: value)
                out.append(0x0A)
            }
        } catch let error as MapError {
            MapOutput.failure(error.message)
            throw InputFailure.exitCode
        }
        Terminal.write(bytes: out)
    }
}
