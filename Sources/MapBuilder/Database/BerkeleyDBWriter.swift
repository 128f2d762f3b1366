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
/// Small tables are written record by record with libdb's defaults, like postmap. Bulk builds
/// (`BuildPlan`) collect the records in a `SortedBatch` and insert them at `commit` in bucket
/// (hash) or key (btree) order into a table sized up front, which is what makes a 1M-entry
/// build several times faster than postmap (bench/maps.sh).
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
    private(set) var spilledRuns = 0

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
        let type: DBTYPE = name.type == .hash ? DB_HASH : DB_BTREE
        let plan = BuildPlan(type: name.type, options: options)
        rc = gw_db_tune(handle, type, plan.pageSize, plan.cacheBytes, plan.nelem, plan.ffactor)
        if rc == 0 {
            rc = gw_db_open(handle, file.temp, type, UInt32(DB_CREATE | DB_EXCL), Int32(options.mode & 0o600))
        }
        if rc != 0 {
            _ = gw_db_close(handle, 0)
            file.discard()
            throw BerkeleyDB.error(rc, "open", file.temp)
        }
        db = handle
        if plan.sorted {
            sorter = SortedBatch(hashMask: plan.hashMask, expectedEntries: plan.entries,
                                 expectedBytes: options.expectedBytes, budget: options.sortBudget,
                                 scratch: { [file] in try file.openScratch() })
        }
    }

    deinit { abort() }

    public func append(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int) throws {
        try RecordCheck.validate(key: key, value: value, line: line, table: name)
        if sorter != nil {
            try sorter?.add(key: key, value: value, options: options.map, line: line)
            return
        }
        let nul = options.map.nul.writesNul
        if options.map.foldCase {
            KeyFolding.fold(key, smtputf8: options.map.smtputf8, into: &keyBuffer)
        } else {
            keyBuffer.removeAll(keepingCapacity: true)
            keyBuffer.append(contentsOf: key)
        }
        if nul { keyBuffer.append(0) }
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
        var rc = gw_db_put(db, k.baseAddress, UInt32(k.count), v.baseAddress, UInt32(v.count), UInt32(DB_NOOVERWRITE))
        if rc == 0 {
            count += 1
        } else if rc == DB_KEYEXIST {
            switch options.map.duplicates {
            case .warn: warnings.append(duplicateWarning(k, line: line))
            case .ignore: break
            case .replace:
                // Only duplicates pay for the second put; `count` stays the number of keys.
                rc = gw_db_put(db, k.baseAddress, UInt32(k.count), v.baseAddress, UInt32(v.count), 0)
                if rc != 0 { throw DiskSpace.explain(BerkeleyDB.error(rc, "put", file.temp), near: file.temp) }
            }
        } else {
            throw DiskSpace.explain(BerkeleyDB.error(BerkeleyDB.cause(rc, db), "put", file.temp), near: file.temp)
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

    /// Commits and tags the table with the source fingerprint (see `MapBuild`); `progress`
    /// gets the fraction of a bulk build's inserts done.
    func commit(fingerprint: String?, progress: ((Double) -> Void)? = nil) throws {
        guard let db, !finished else { throw MapError(.database, "\(name.databasePath): writer already closed") }
        do {
            if let batch = sorter {
                sorter = nil
                spilledRuns = batch.runCount
                try batch.drain(policy: options.map.duplicates, progress: progress) { k, v, line in
                    try put(k, v, line: line)
                }
                warnings.sort { $0.line < $1.line }
            }
            self.db = nil
            // Without DB_NOSYNC: close writes every cached page and fsyncs the file.
            let rc = gw_db_close(db, 0)
            if rc != 0 { throw BerkeleyDB.error(rc, "close", file.temp) }
            let xattrs = fingerprint.map { [(MapBuild.fingerprintAttribute, Array($0.utf8))] } ?? []
            try file.commit(mode: options.mode, owner: options.owner, xattrs: xattrs)
            finished = true
        } catch {
            let explained = DiskSpace.explain(error, near: file.temp)
            abort()
            throw explained
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
    /// libdb reports a full disk during `put` as ENOMEM (its cache cannot evict the dirty page
    /// it failed to write); a sync surfaces the write's own errno (ENOSPC, EIO, ...).
    static func cause(_ rc: Int32, _ db: UnsafeMutablePointer<DB>) -> Int32 {
        guard rc == ENOMEM else { return rc }
        let sync = gw_db_sync(db)
        return sync != 0 && sync != ENOMEM ? sync : rc
    }

    static func error(_ rc: Int32, _ op: String, _ path: String) -> MapError {
        let text = db_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
        return MapError(.database, "\(op) \(path): \(text)")
    }
}
