/// One record of a table source as written (key not folded).
public struct MapEntry: Sendable, Hashable {
    public var key: String
    public var value: String
    /// 1-based line where the logical line starts.
    public var line: Int

    public init(key: String, value: String, line: Int) {
        self.key = key
        self.value = value
        self.line = line
    }
}

/// A parsed table source (postmap semantics, see SourceScanner): every well-formed record in
/// file order, duplicates included, and the format warnings. `resolved(options:)` gives the
/// table Postfix would see.
public struct MapSource: Sendable {
    public var file: String
    public var entries: [MapEntry]
    public var warnings: [MapWarning]

    public static func parse(_ text: String, file: String, options: MapOptions = MapOptions()) -> MapSource {
        parse(bytes: Array(text.utf8), file: file, options: options)
    }

    public static func parse(bytes: [UInt8], file: String, options: MapOptions = MapOptions()) -> MapSource {
        bytes.withUnsafeBufferPointer { parse(buffer: $0, file: file, options: options) }
    }

    /// Reads and parses `path`; throws `MapError(.io)` when it cannot be read.
    public static func parse(contentsOf path: String, options: MapOptions = MapOptions()) throws -> MapSource {
        let mapped = try MappedFile(path: path)
        return mapped.withBytes { parse(buffer: $0, file: path, options: options) }
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, file: String, options: MapOptions) -> MapSource {
        var source = MapSource(file: file, entries: [], warnings: [])
        SourceScanner.scan(buffer, file: file, smtputf8: options.smtputf8,
                           warning: { source.warnings.append($0) },
                           record: { k, v, line in
                               source.entries.append(MapEntry(key: String(decoding: k, as: UTF8.self),
                                                              value: String(decoding: v, as: UTF8.self), line: line))
                           })
        return source
    }

    /// The table as Postfix would build it: keys folded as `options` say, duplicates resolved by
    /// `options.duplicates`, entries in first-appearance order, plus the duplicate warnings
    /// (postmap's text names `databaseSuffix`'s file).
    public func resolved(options: MapOptions = MapOptions(), databaseSuffix: String = ".db") -> ResolvedMap {
        resolved(options: options, tableName: file + databaseSuffix)
    }

    /// As above, with the duplicate warnings worded as `type`'s dictionary words them.
    public func resolved(options: MapOptions = MapOptions(), type: MapType) -> ResolvedMap {
        resolved(options: options, tableName: type.duplicateWarningName(file))
    }

    private func resolved(options: MapOptions, tableName: String) -> ResolvedMap {
        var index: [String: Int] = [:]
        var out: [MapEntry] = []
        var warnings: [MapWarning] = []
        for e in entries {
            let key = ResolvedMap.fold(e.key, options: options)
            if let i = index[key] {
                switch options.duplicates {
                case .warn:
                    warnings.append(MapWarning(kind: .duplicateEntry, file: file, line: e.line, column: 1,
                                               message: "duplicate entry: \"\(key)\"",
                                               postmapText: "\(tableName): duplicate entry: \"\(key)\""))
                case .ignore: break
                case .replace: out[i].value = e.value; out[i].line = e.line
                }
            } else {
                index[key] = out.count
                out.append(MapEntry(key: key, value: e.value, line: e.line))
            }
        }
        return ResolvedMap(entries: out, warnings: warnings, options: options, index: index)
    }
}

/// A table after folding and duplicate resolution, queried in memory like the built file.
public struct ResolvedMap: Sendable {
    /// Folded keys, first-appearance order.
    public var entries: [MapEntry]
    /// Duplicate-entry warnings (empty with `-w` or `-r`).
    public var warnings: [MapWarning]
    public var options: MapOptions
    private var index: [String: Int]

    init(entries: [MapEntry], warnings: [MapWarning], options: MapOptions, index: [String: Int]) {
        self.entries = entries
        self.warnings = warnings
        self.options = options
        self.index = index
    }

    /// The entry a Postfix lookup of `key` returns (the key is folded as on write).
    public func lookup(_ key: String) -> MapEntry? {
        index[ResolvedMap.fold(key, options: options)].map { entries[$0] }
    }

    /// `key` folded as a table built with `options` stores it (what a lookup compares).
    public static func folded(_ key: String, options: MapOptions) -> String { fold(key, options: options) }

    static func fold(_ key: String, options: MapOptions) -> String {
        guard options.foldCase else { return key }
        return String(decoding: KeyFolding.fold(Array(key.utf8), smtputf8: options.smtputf8), as: UTF8.self)
    }
}
