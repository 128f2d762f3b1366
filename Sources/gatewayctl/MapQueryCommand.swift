import ArgumentParser
import MapBuilder
#if canImport(Glibc)
import Glibc
#endif

/// `gatewayctl map query TYPE:FILE KEY...`: postmap -q, including pcre: and regexp: tables.
struct MapQueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Look up keys in a table as Postfix does.",
        discussion: """
        One KEY prints its value; several keys, or `-` (keys from stdin, one per line), print \
        KEY<TAB>VALUE for each key found. Keys of hash/btree tables are folded unless -f; \
        pcre/regexp tables print the first matching rule's result with $n expanded.

        Exit status: 0 at least one key found, 1 none found, 2 the table could not be read.
        """)

    @OptionGroup var semantics: MapSemanticsOptions

    @Argument(help: ArgumentHelp("The table.", valueName: "TYPE:FILE"))
    var map: MapName

    @Argument(help: ArgumentHelp("Keys to look up; `-` reads them from stdin.", valueName: "KEY"))
    var keys: [String]

    func validate() throws {
        if keys.isEmpty { throw ValidationError("missing KEY (or `-` for stdin)") }
    }

    func run() throws {
        let lookup: (String) throws -> String?
        do {
            lookup = try makeLookup()
        } catch let error as MapError {
            MapOutput.failure(error.message)
            throw InputFailure.exitCode
        }
        let fromStdin = keys == ["-"]
        let all = fromStdin ? StandardInput.lines() : keys
        let tabbed = fromStdin || keys.count > 1
        var found = false
        var out = ""
        do {
            for key in all {
                guard let value = try lookup(key) else { continue }
                found = true
                out += tabbed ? "\(key)\t\(value)\n" : "\(value)\n"
            }
        } catch let error as MapError {
            Terminal.write(out)
            MapOutput.failure(error.message)
            throw InputFailure.exitCode
        }
        Terminal.write(out)
        if !found { throw ExitCode(1) }
    }

    private func makeLookup() throws -> (String) throws -> String? {
        switch map.type {
        case .pcre, .regexp:
            let table = try RegexTable.parse(contentsOf: map.path, flavor: map.type == .pcre ? .pcre : .regexp)
            MapOutput.warnings(table.warnings)
            return { table.query($0)?.value }
        default:
            let reader = try MapReader.open(map, options: semantics.mapOptions())
            return { try reader.lookup($0) }
        }
    }
}

enum StandardInput {
    /// All of stdin as bytes.
    static func bytes() -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// stdin split into lines (newline removed, like postmap's vstring_get_nonl).
    static func lines() -> [String] {
        var lines: [String] = []
        while let line = readLine(strippingNewline: true) { lines.append(line) }
        return lines
    }
}
