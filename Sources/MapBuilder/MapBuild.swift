import CBerkeleyDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options of one `map build` (postmap's flags plus the incremental skip).
public struct MapBuildOptions: Sendable {
    public var map: MapOptions
    /// Rebuild even when the table was written from the same source content.
    public var force: Bool
    /// Memory a sorting writer holds before it spills sorted runs to disk (tests lower it).
    var sortBudget = SortedBatch.defaultBudget

    public init(map: MapOptions = MapOptions(), force: Bool = false) {
        self.map = map
        self.force = force
    }
}

/// What a build did.
public struct MapBuildResult: Sendable {
    public var name: MapName
    /// Format and duplicate warnings in source order.
    public var warnings: [MapWarning]
    /// Distinct keys in the new table (0 when skipped).
    public var count: Int
    /// True when the table was up to date and left alone.
    public var skipped: Bool
    /// Size of the source in bytes (lets a caller decide whether a progress bar is worth it).
    public var sourceBytes: Int
    /// Sorted runs spilled to disk because the records outgrew the sort's memory budget.
    var spilledRuns = 0
}

/// Building tables from a source file (postmap's job) or from entries already in memory.
public enum MapBuild {
    /// Extended attribute on the table holding the fingerprint of the source and options it was
    /// built from; set before the rename, so table and fingerprint change together.
    public static let fingerprintAttribute = "user.gatewayctl.source"

    /// The fingerprint a table built from `source` with `options` carries in
    /// `fingerprintAttribute`: a caller holding both can tell whether the table answers as the source.
    public static func fingerprint(ofSource source: [UInt8], type: MapType, options: MapOptions = MapOptions()) -> String {
        source.withUnsafeBufferPointer { fingerprint($0, type: type, options: options) }
    }

    /// Parses `name.path` with postmap's semantics and writes `name.databasePath` atomically with
    /// postmap's mode rule. `progress(done, total)` is called now and then (units are arbitrary:
    /// reading the source is the first half, a bulk build's inserts the second).
    public static func build(_ name: MapName, options: MapBuildOptions = MapBuildOptions(),
                             progress: ((Int, Int) -> Void)? = nil) throws -> MapBuildResult {
        guard name.type.isIndexed else {
            throw MapError(.unsupportedType, "\(name.type.rawValue):\(name.path): regular expression tables are not built; use `map query`")
        }
        let source = try MappedFile(path: name.path)
        let mode = (source.info.st_mode & S_IFMT) == S_IFREG
            ? MapWriteOptions.mode(derivedFrom: source.info.st_mode) : 0o644
        return try source.withBytes { bytes in
            let (fingerprint, lines) = survey(source, bytes, type: name.type, options: options.map)
            if !options.force && isUpToDate(name, source: source.info, fingerprint: fingerprint) {
                return MapBuildResult(name: name, warnings: [], count: 0, skipped: true, sourceBytes: bytes.count)
            }
            var write = MapWriteOptions(map: options.map, sourceFile: name.path, mode: mode,
                                        owner: (source.info.st_uid, source.info.st_gid),
                                        expectedEntries: lines, expectedBytes: bytes.count)
            if geteuid() != 0 { write.owner = nil }
            write.sortBudget = options.sortBudget
            let writer = try openTableWriter(name, options: write)
            var warnings: [MapWarning] = []
            var records = 0
            let start = bytes.baseAddress
            try SourceScanner.scan(bytes, file: name.path, smtputf8: options.map.smtputf8,
                                   warning: { warnings.append($0) },
                                   record: { key, value, line in
                                       try writer.append(key: key, value: value, line: line)
                                       records += 1
                                       if records & 0xFFFF == 0, let start, let at = key.baseAddress,
                                          at >= start, at < start + bytes.count {
                                           let done = start.distance(to: at)
                                           progress?(done, 2 * bytes.count)
                                           // The writer holds its own copy of every record.
                                           source.release(before: done - (1 << 20))
                                       }
                                   })
            source.release(before: bytes.count)
            try writer.commit(fingerprint: fingerprint) { (fraction: Double) in
                progress?(bytes.count + Int(fraction * Double(bytes.count)), 2 * bytes.count)
            }
            progress?(2 * bytes.count, 2 * bytes.count)
            warnings.append(contentsOf: writer.warnings)
            warnings.sort { $0.line < $1.line }
            var result = MapBuildResult(name: name, warnings: warnings, count: writer.count, skipped: false,
                                        sourceBytes: bytes.count)
            result.spilledRuns = writer.spilledRuns
            return result
        }
    }

    /// Writes `entries` (already in memory, e.g. from an emitter) to `name.databasePath`
    /// atomically; returns the duplicate warnings. Keys are folded as `options.map` says.
    @discardableResult
    public static func build(_ name: MapName, entries: [MapEntry],
                             options: MapWriteOptions = MapWriteOptions()) throws -> [MapWarning] {
        var write = options
        write.expectedEntries = max(write.expectedEntries, entries.count)
        let writer = try openMapWriter(name, options: write)
        for e in entries { try writer.append(key: e.key, value: e.value, line: e.line) }
        try writer.commit()
        return writer.warnings
    }

    /// True when the table exists, is not older than the source, and carries the fingerprint of
    /// this exact source content and these options.
    static func isUpToDate(_ name: MapName, source: stat, fingerprint: String) -> Bool {
        var st = stat()
        guard lstat(name.databasePath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
        if st.st_mtim.tv_sec < source.st_mtim.tv_sec
            || (st.st_mtim.tv_sec == source.st_mtim.tv_sec && st.st_mtim.tv_nsec < source.st_mtim.tv_nsec) {
            return false
        }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { getxattr(name.databasePath, fingerprintAttribute, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        return String(decoding: buffer[0..<n], as: UTF8.self) == fingerprint
    }

    static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>, type: MapType, options: MapOptions) -> String {
        fingerprint(xxh64: ContentHash.xxh64(bytes), size: bytes.count, type: type, options: options)
    }

    /// The fingerprint of a source known by its `ContentHash` (XXH64) and size, for a caller
    /// that streamed the source rather than holding it.
    public static func fingerprint(xxh64 hash: UInt64, size: Int, type: MapType, options: MapOptions = MapOptions()) -> String {
        let flags = "\(type.rawValue) fold=\(options.foldCase) utf8=\(options.smtputf8) dup=\(options.duplicates) nul=\(options.nul)"
        return "xxh64:\(String(hash, radix: 16)) size=\(size) \(flags)"
    }

    /// The fingerprint and line count (`countLines`) of a mapped source, read a slice at a time
    /// with each slice's pages dropped behind it: a 250 MB source must not become 250 MB of
    /// resident set before the scan even starts.
    static func survey(_ source: MappedFile, _ bytes: UnsafeBufferPointer<UInt8>, type: MapType,
                       options: MapOptions) -> (fingerprint: String, lines: Int) {
        var hasher = ContentHash.Streaming()
        let slice = 8 << 20
        var at = 0
        var lines = 1
        while at < bytes.count {
            let n = min(slice, bytes.count - at)
            let part = UnsafeBufferPointer(rebasing: bytes[at..<(at + n)])
            hasher.update(part)
            lines += countLines(part) - 1
            at += n
            source.release(before: at)
        }
        return (fingerprint(xxh64: hasher.finish(), size: bytes.count, type: type, options: options), lines)
    }

    static func countLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard var p = bytes.baseAddress.map(UnsafeRawPointer.init) else { return 0 }
        let end = p + bytes.count
        var n = 1
        while p < end, let nl = memchr(p, 0x0A, p.distance(to: end)) {
            n += 1
            p = UnsafeRawPointer(nl) + 1
        }
        return n
    }
}
