import FoundationEssentials
import FileLayer
import MapBuilder
import PostfixConfig
import ConfigModel
import GatewayCompiler

/// A table smtpd can query: fixed-key (hash/btree: folded keys, partial keys allowed) or
/// regular-expression (pcre/regexp: full keys only, never folded).
public struct LookupTable: Sendable {
    public enum Kind: Sendable { case fixed, regex }
    public var name: String
    public var kind: Kind
    private let lookupFunction: @Sendable (String) -> String?

    public init(name: String, kind: Kind, lookup: @escaping @Sendable (String) -> String?) {
        self.name = name
        self.kind = kind
        self.lookupFunction = lookup
    }

    public func lookup(_ key: String) -> String? { lookupFunction(key) }
}

/// Where the simulator finds the tables main.cf names. `nil` means the table cannot be read
/// (missing file, unsupported type): the restriction is then reported as not evaluated.
public protocol TableProvider: Sendable {
    func table(_ reference: String) -> LookupTable?
}

/// Tables read from files: `hash:` and `btree:` from `FILE.db` when it exists (MapBuilder's
/// Berkeley DB reader, as smtpd reads it), else parsed from the source; `pcre:`/`regexp:` parsed
/// with MapBuilder (PCRE2). `locate` maps a Postfix path to the file to read.
final class FileTableProvider: TableProvider, @unchecked Sendable {
    private let locate: @Sendable (String) -> String
    private let memory: [String: String]
    /// `smtputf8_enable = yes`: fixed-table keys and lookups get Postfix's Unicode casefold.
    private let options: MapOptions
    private let lock = ThreadLock()
    private var cache: [String: LookupTable?] = [:]

    private let read: (@Sendable (String) -> [UInt8]?)?
    /// Sources produced on demand (see `StreamedTableLookup`), keyed by the Postfix path.
    private let streams: [String: StreamedContents]

    /// `memory`: sources held in memory, keyed by the Postfix path (emitted gateways).
    /// `read`: how to read a located file (lint's in-memory trees); default the file system.
    public init(memory: [String: String] = [:], streams: [String: StreamedContents] = [:], smtputf8: Bool = false,
                locate: @escaping @Sendable (String) -> String = { $0 },
                read: (@Sendable (String) -> [UInt8]?)? = nil) {
        self.memory = memory
        self.streams = streams
        self.options = MapOptions(smtputf8: smtputf8)
        self.locate = locate
        self.read = read
    }

    private func text(_ path: String) -> String? {
        if let m = memory[path] { return m }
        if let s = streams[path] { return s.text }
        let local = locate(path)
        if let read { return read(local).map { String(decoding: $0, as: UTF8.self) } }
        return readText(local)
    }

    public func table(_ reference: String) -> LookupTable? {
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[reference] { return cached }
        let table = open(reference)
        cache[reference] = table
        return table
    }

    /// A table source on disk, through the file layer (nil when it cannot be read).
    private func readText(_ path: String) -> String? {
        guard let bytes = try? FileLayer.read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func open(_ reference: String) -> LookupTable? {
        guard let colon = reference.firstIndex(of: ":") else { return nil }
        let type = reference[..<colon].lowercased()
        let path = String(reference[reference.index(after: colon)...])
        switch type {
        case "hash", "btree", "lmdb", "cdb":
            if let stream = streams[path] {
                let streamed = StreamedTableLookup(stream, options: options)
                return LookupTable(name: reference, kind: .fixed) { streamed.lookup($0) }
            }
            if memory[path] == nil, let mapType = MapType(rawValue: type),
               let reader = try? MapReader.open(MapName(type: mapType, path: locate(path)), options: options) {
                let box = ReaderBox(reader)
                return LookupTable(name: reference, kind: .fixed) { box.lookup($0) }
            }
            guard let text = text(path) else { return nil }
            let resolved = MapSource.parse(text, file: path, options: options).resolved(options: options)
            return LookupTable(name: reference, kind: .fixed) { resolved.lookup($0)?.value }
        case "pcre", "regexp":
            guard let text = text(path) else { return nil }
            let table = RegexTable.parse(text, file: path, flavor: type == "pcre" ? .pcre : .regexp)
            return LookupTable(name: reference, kind: .regex) { table.query($0)?.value }
        case "cidr":
            guard let text = text(path) else { return nil }
            let entries = CIDRTableEntry.parse(text)
            return LookupTable(name: reference, kind: .regex) { CIDRTableEntry.lookup(entries, $0) }
        case "texthash":
            guard let text = text(path) else { return nil }
            let resolved = MapSource.parse(text, file: path, options: options).resolved(options: options)
            return LookupTable(name: reference, kind: .fixed) { resolved.lookup($0)?.value }
        case "static":
            let value = PostfixList.ungroup(path)
            return LookupTable(name: reference, kind: .fixed) { _ in value }
        default:
            return nil
        }
    }
}

/// MapReader is a class holding a Berkeley DB handle; lookups are serialized here.
private final class ReaderBox: @unchecked Sendable {
    private let reader: MapReader
    private let lock = ThreadLock()
    init(_ reader: MapReader) { self.reader = reader }
    func lookup(_ key: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return try? reader.lookup(key)
    }
}
