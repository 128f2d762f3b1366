import CBerkeleyDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a Berkeley DB `hash` or `btree` table as postmap does (dict_db.c: DB_NOOVERWRITE
/// unless replacing, trailing NUL by default, keys folded), into a temp file renamed over the
/// target on `commit`.
///
/// Tuned for bulk builds where postmap is not: the cache holds the whole table, `h_nelem` is
/// the expected entry count (no bucket splits), pages are larger, and btree input is sorted
/// before insertion so every put appends to the rightmost leaf.
public final class BerkeleyDBWriter: MapWriter {
    public let name: MapName
    public private(set) var warnings: [MapWarning] = []
    public private(set) var count = 0
    private let options: MapWriteOptions
    private let file: AtomicFile
    private var db: UnsafeMutablePointer<DB>?
    private var keyBuffer: [UInt8] = []
    private var valueBuffer: [UInt8] = []
    private var sorter: SortedBatch?
    private var finished = false

    public init(_ name: MapName, options: MapWriteOptions = MapWriteOptions()) throws {
        guard name.type == .hash || name.type == .btree else {
            throw MapError(.unsupportedType, "\(name.type.rawValue): not a Berkeley DB table type")
        }
        self.name = name
        self.options = options
        self.file = try AtomicFile(target: name.databasePath)
        var handle: UnsafeMutablePointer<DB>?
        var rc = gw_db_create(&handle)
        guard rc == 0, let handle else { throw BerkeleyDB.error(rc, "db_create", name.databasePath) }
        let entries = max(options.expectedEntries, options.expectedBytes / 24)
        let (pageSize, cache) = BerkeleyDBWriter.tuning(entries: entries, bytes: options.expectedBytes)
        let type: DBTYPE = name.type == .hash ? DB_HASH : DB_BTREE
        rc = gw_db_tune(handle, type, pageSize, cache, UInt32(clamping: max(entries, 4096)))
        if rc == 0 {
            rc = gw_db_open(handle, file.temp, type, UInt32(DB_CREATE | DB_EXCL), Int32(options.mode & 0o600))
        }
        if rc != 0 {
            _ = gw_db_close(handle, 0)
            file.discard()
            throw BerkeleyDB.error(rc, "open", file.temp)
        }
        db = handle
        if name.type == .btree { sorter = SortedBatch() }
    }

    deinit { abort() }

    /// Page size and cache for a build of about `entries` records: small tables keep libdb's
    /// defaults; large ones get 64 KiB pages and a cache that holds the whole file (capped so
    /// a 1M-entry build stays far below 256 MiB).
    static func tuning(entries: Int, bytes: Int) -> (pageSize: UInt32, cache: UInt32) {
        if entries < 20_000 && bytes < 1 << 20 { return (0, 0) }
        let estimate = max(bytes * 2, entries * 64) + (8 << 20)
        return (65_536, UInt32(min(max(estimate, 16 << 20), 160 << 20)))
    }

    public func append(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int) throws {
        let nul = options.map.nul.writesNul
        if options.map.foldCase {
            KeyFolding.fold(key, smtputf8: options.map.smtputf8, into: &keyBuffer)
        } else {
            keyBuffer.removeAll(keepingCapacity: true)
            keyBuffer.append(contentsOf: key)
        }
        if nul { keyBuffer.append(0) }
        if sorter != nil {
            sorter?.add(key: keyBuffer, value: value, nul: nul, line: line)
            return
        }
        valueBuffer.removeAll(keepingCapacity: true)
        valueBuffer.append(contentsOf: value)
        if nul { valueBuffer.append(0) }
        try put(keyBuffer, valueBuffer, line: line)
    }

    private func put(_ key: [UInt8], _ value: [UInt8], line: Int) throws {
        try key.withUnsafeBufferPointer { k in
            try value.withUnsafeBufferPointer { v in try put(k, v, line: line) }
        }
    }

    private func put(_ k: UnsafeBufferPointer<UInt8>, _ v: UnsafeBufferPointer<UInt8>, line: Int) throws {
        guard let db else { throw MapError(.database, "\(name.databasePath): writer already closed") }
        let flags: UInt32 = options.map.duplicates == .replace ? 0 : UInt32(DB_NOOVERWRITE)
        let rc = gw_db_put(db, k.baseAddress, UInt32(k.count), v.baseAddress, UInt32(v.count), flags)
        if rc == 0 {
            count += 1
        } else if rc == DB_KEYEXIST {
            if options.map.duplicates == .warn { warnings.append(duplicateWarning(k, line: line)) }
        } else {
            throw BerkeleyDB.error(rc, "put", file.temp)
        }
    }

    /// dict_db.c's `"%s: duplicate entry: \"%s\""` with the table name, located in the source.
    private func duplicateWarning(_ key: UnsafeBufferPointer<UInt8>, line: Int) -> MapWarning {
        let shown = String(decoding: SourceScanner.cString(key), as: UTF8.self)
        let source = options.sourceFile ?? name.path
        return MapWarning(kind: .duplicateEntry, file: source, line: line, column: 1,
                          message: "duplicate entry: \"\(shown)\"",
                          postmapText: "\(name.databasePath): duplicate entry: \"\(shown)\"")
    }

    public func commit() throws { try commit(fingerprint: nil) }

    /// Commits and tags the table with the source fingerprint (see `MapBuild`).
    func commit(fingerprint: String?) throws {
        guard let db, !finished else { throw MapError(.database, "\(name.databasePath): writer already closed") }
        do {
            if let batch = sorter {
                sorter = nil
                try batch.drain(policy: options.map.duplicates) { k, v, line in try put(k, v, line: line) }
                warnings.sort { $0.line < $1.line }
            }
            self.db = nil
            let rc = gw_db_close(db, 0)
            if rc != 0 { throw BerkeleyDB.error(rc, "close", file.temp) }
            let xattrs = fingerprint.map { [(MapBuild.fingerprintAttribute, Array($0.utf8))] } ?? []
            try file.commit(mode: options.mode, owner: options.owner, xattrs: xattrs)
            finished = true
        } catch {
            abort()
            throw error
        }
    }

    public func abort() {
        if finished { return }
        finished = true
        if let db { _ = gw_db_close(db, UInt32(DB_NOSYNC)) }
        db = nil
        file.discard()
    }
}

enum BerkeleyDB {
    static func error(_ rc: Int32, _ op: String, _ path: String) -> MapError {
        let text = db_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
        return MapError(.database, "\(op) \(path): \(text)")
    }
}
