import FoundationEssentials
import FileLayer
import MapBuilder
import Diagnostics

/// One record of a lookup table that a restriction consults, with where it is written.
public struct AccessTableEntry: Sendable {
    public var key: String
    public var value: String
    /// The record's line in the table source (the key), or the table reference for tables
    /// without a source (inline:, static:, a .db read back).
    public var span: SourceSpan
}

/// A lookup table named in main.cf or master.cf (`hash:/etc/postfix/helo_access`), read the way
/// Postfix would see it: the source via MapBuilder (postmap semantics), or the built .db when
/// the source is missing, pcre/regexp tables via MapBuilder's parser, `cidr:`, `inline:` and
/// `static:` directly. Tables gatewayctl cannot read (ldap:, mysql:, ...) are `.opaque`.
public struct AccessTable: Sendable {
    public enum Kind: Sendable, Equatable {
        case indexed, regex, cidr, inline, staticValue
        /// Not readable here: unknown type, remote database, missing file.
        case opaque(String)
    }

    public var reference: String
    public var type: String
    /// The linted copy of the source file, when the table has one.
    public var localPath: String?
    public var kind: Kind
    public var entries: [AccessTableEntry] = []
    public var warnings: [MapWarning] = []
    public var regex: RegexTable?

    public init(reference: String, type: String, localPath: String?, kind: Kind) {
        self.reference = reference
        self.type = type
        self.localPath = localPath
        self.kind = kind
    }

    /// Reads `reference` relative to `config` as seen by `scope`.
    public static func open(_ reference: String, config: PostfixConfigSet, scope: ParameterScope,
                            at span: SourceSpan?) -> AccessTable {
        var ref = reference
        while ref.hasPrefix("proxy:") { ref = String(ref.dropFirst(6)) }
        let colon = ref.firstIndex(of: ":")
        let type = colon.map { String(ref[..<$0]) } ?? scope.value("default_database_type")
        let rest = colon.map { String(ref[ref.index(after: $0)...]) } ?? ref
        let anchor = span ?? SourceSpan.file(config.mainCf.file)
        var table = AccessTable(reference: reference, type: type, localPath: nil, kind: .opaque(""))
        switch type {
        case "static":
            table.kind = .staticValue
            table.entries = [AccessTableEntry(key: "*", value: PostfixList.ungroup(rest), span: anchor)]
        case "inline":
            table.kind = .inline
            for item in PostfixList.split(PostfixList.ungroup(rest)) {
                let kv = PostfixList.ungroup(item)
                guard let eq = kv.firstIndex(of: "=") else { continue }
                table.entries.append(AccessTableEntry(key: String(kv[..<eq]).trimmingPostfixSpace(),
                                                      value: String(kv[kv.index(after: eq)...]).trimmingPostfixSpace(),
                                                      span: anchor))
            }
        case "hash", "btree", "cdb", "lmdb", "dbm", "sdbm", "texthash", "cidr":
            let local = config.localPath(rest, in: scope)
            table.localPath = local
            if !config.isInLintedTree(local) {
                table.kind = .opaque(Self.outsideTree)
            } else if let bytes = config.readFile(local) {
                let options = MapOptions(foldCase: type != "cidr")
                let source = MapSource.parse(bytes: bytes, file: local, options: options)
                table.kind = type == "cidr" ? .cidr : .indexed
                table.warnings = source.warnings
                // Indexed tables keep the FIRST of duplicate keys, as postmap builds them;
                // cidr tables are read in order, first match wins.
                var entries = source.entries
                if type != "cidr" {
                    let (unique, duplicates) = Self.firstWins(source.entries, file: local)
                    table.warnings += duplicates
                    entries = unique
                }
                table.entries = entries.map {
                    AccessTableEntry(key: $0.key, value: $0.value,
                                     span: SourceSpan(file: local, line: $0.line, column: 1,
                                                      endColumn: 1 + $0.key.utf8.count))
                }
            } else if let t = MapType(rawValue: type), t.isIndexed, !config.root.isEmpty,
                      let reader = try? MapReader.open(MapName(type: t, path: local)),
                      let dump = try? reader.dump() {
                table.kind = .indexed
                table.entries = dump.map { AccessTableEntry(key: $0.key, value: $0.value, span: SourceSpan.file(local + t.databaseSuffix)) }
            } else {
                table.kind = .opaque("`\(local)` is missing")
            }
        case "pcre", "regexp":
            let local = config.localPath(rest, in: scope)
            table.localPath = local
            guard config.isInLintedTree(local) else {
                table.kind = .opaque(Self.outsideTree)
                return table
            }
            guard let bytes = config.readFile(local) else {
                table.kind = .opaque("`\(local)` is missing")
                return table
            }
            let parsed = RegexTable.parse(bytes: bytes, file: local, flavor: type == "pcre" ? .pcre : .regexp)
            table.kind = .regex
            table.regex = parsed
            table.warnings = parsed.warnings
            table.entries = parsed.rules.filter { $0.kind == .match }.map {
                AccessTableEntry(key: ($0.negated ? "!" : "") + "/\($0.pattern)/\($0.flags)", value: $0.result,
                                 span: SourceSpan(file: local, line: $0.line, column: $0.column,
                                                  endColumn: $0.column + $0.pattern.utf8.count + 2))
            }
        default:
            table.kind = .opaque("`\(type):` tables are not read by gatewayctl")
        }
        return table
    }
}

extension AccessTable {
    /// The `.opaque` reason of a table whose file lies outside the linted tree (not read).
    static let outsideTree = "outside the linted tree"

    /// True for a file table that lint did not read because it is not in the linted tree.
    public var isOutsideTree: Bool { kind == .opaque(Self.outsideTree) }

    /// postmap's duplicate handling (the first entry wins, each later one is a warning), with
    /// keys folded as Postfix folds fixed-key tables. Sized up front: a 1,000,000-entry table
    /// must not rehash its index a dozen times.
    static func firstWins(_ entries: [MapEntry], file: String) -> ([MapEntry], [MapWarning]) {
        // Index by a 64-bit FNV-1a hash of the folded key (cheap to hash and to store); a hash
        // shared by two different keys falls back to an exact index of the later key.
        var first = [UInt64: Int](minimumCapacity: entries.count)
        var collided: [String: Int] = [:]
        var out: [MapEntry] = []
        out.reserveCapacity(entries.count)
        var warnings: [MapWarning] = []
        for e in entries {
            let key = fold(e.key)
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for c in key.utf8 { h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01b3 }
            var duplicate = false
            if let j = first[h] {
                if out[j].key == key { duplicate = true }
                else if collided[key] != nil { duplicate = true }
                else { collided[key] = out.count }
            } else {
                first[h] = out.count
            }
            if duplicate {
                warnings.append(MapWarning(kind: .duplicateEntry, file: file, line: e.line, column: 1,
                                           message: "duplicate entry: \"\(key)\"",
                                           postmapText: "\(file).db: duplicate entry: \"\(key)\""))
                continue
            }
            out.append(MapEntry(key: key, value: e.value, line: e.line))
        }
        return (out, warnings)
    }

    /// ASCII lower case for ASCII keys (the common case), Unicode lower case otherwise.
    static func fold(_ key: String) -> String {
        var needs = false
        for c in key.utf8 {
            if c >= 0x80 { return key.lowercased() }
            if c >= 0x41 && c <= 0x5a { needs = true }
        }
        guard needs else { return key }
        return String(decoding: key.utf8.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

/// Tables read during one lint run, so a table that several services or lists name is parsed
/// once (a 1,000,000-entry map must not be read per service), and results derived from the
/// configuration that several rules share (e.g. a service's relay analysis).
public final class AccessTableCache: @unchecked Sendable {
    private var tables: [String: AccessTable] = [:]
    private var derived: [String: any Sendable] = [:]
    private let lock = ThreadLock()

    /// A value derived from the configuration, computed once per run under `key`. The layer
    /// that computes it owns its type; this cache does not know it.
    public func derived<T: Sendable>(_ key: String, _ make: () -> T) -> T {
        lock.lock()
        // Unwrapped before the cast: a missing entry cast to an optional `T` would succeed as nil.
        if let entry = derived[key], let a = entry as? T { lock.unlock(); return a }
        lock.unlock()
        let a = make()
        lock.lock()
        derived[key] = a
        lock.unlock()
        return a
    }
    public init() {}

    public func table(_ reference: String, config: PostfixConfigSet, scope: ParameterScope, at span: SourceSpan?) -> AccessTable {
        let key = reference + "\u{0}" + scope.value("config_directory")
        lock.lock()
        if let t = tables[key] { lock.unlock(); return t }
        lock.unlock()
        let t = AccessTable.open(reference, config: config, scope: scope, at: span)
        lock.lock()
        tables[key] = t
        lock.unlock()
        return t
    }
}
