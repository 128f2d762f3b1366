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
        let lookup: ([UInt8]) throws -> [UInt8]?
        do {
            lookup = try makeLookup()
        } catch let error as MapError {
            MapOutput.failure(error.message)
            throw InputFailure.exitCode
        }
        let fromStdin = keys == ["-"]
        // Keys are bytes, as postmap -q takes them: argv as given, stdin lines up to "\n".
        let all = fromStdin ? StandardInput.byteLines() : RawArguments.bytes(of: keys)
        let tabbed = fromStdin || keys.count > 1
        var found = false
        var out: [UInt8] = []
        do {
            for line in all {
                // C-string semantics: a NUL ends the key (postmap looks up and prints STR()).
                let key = Array(line.prefix { $0 != 0 })
                guard let value = try lookup(key) else { continue }
                found = true
                if tabbed { out += key; out.append(0x09) }
                out += value
                out.append(0x0A)
            }
        } catch let error as MapError {
            Terminal.write(bytes: out)
            MapOutput.failure(error.message)
            throw InputFailure.exitCode
        }
        Terminal.write(bytes: out)
        if !found { throw ExitCode(1) }
    }

    private func makeLookup() throws -> ([UInt8]) throws -> [UInt8]? {
        switch map.type {
        case .pcre, .regexp:
            let table = try RegexTable.parse(contentsOf: map.path, flavor: map.type == .pcre ? .pcre : .regexp)
            MapOutput.warnings(table.warnings)
            return { bytes in table.query(String(decoding: bytes, as: UTF8.self)).map { Array($0.value.utf8) } }
        default:
            let reader = try MapReader.open(map, options: semantics.mapOptions())
            return { try reader.lookup(bytes: $0) }
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

    /// stdin split into lines at "\n" only, the newline removed (postmap's vstring_get_nonl:
    /// a "\r" stays part of the key); a last line without newline counts.
    static func byteLines() -> [[UInt8]] {
        var all = bytes()[...]
        var lines: [[UInt8]] = []
        while let nl = all.firstIndex(of: 0x0A) {
            lines.append(Array(all[..<nl]))
            all = all[(nl + 1)...]
        }
        if !all.isEmpty { lines.append(Array(all)) }
        return lines
    }
}

enum RawArguments {
    /// The argv bytes behind each of `strings`. Swift decodes argv to String with U+FFFD in
    /// place of invalid UTF-8; for those the original argument is found again in argv.
    static func bytes(of strings: [String]) -> [[UInt8]] {
        let argv = (1..<Int(CommandLine.argc)).map { i -> [UInt8] in
            guard let p = CommandLine.unsafeArgv[i] else { return [] }
            return Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
        }
        var used = Set<Int>()
        return strings.map { s in
            guard s.unicodeScalars.contains("\u{FFFD}") else { return Array(s.utf8) }
            // Positional keys come last: search from the end.
            for i in argv.indices.reversed() where !used.contains(i) && !UTF8Check.isValid(argv[i])
                && String(decoding: argv[i], as: UTF8.self) == s {
                used.insert(i)
                return argv[i]
            }
            return Array(s.utf8)
        }
    }
}
