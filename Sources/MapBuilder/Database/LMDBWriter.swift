import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an lmdb table as postmap does with dict_lmdb (keys folded, trailing NUL by default,
/// MDB_NOOVERWRITE unless replacing, `lmdb:FILE: duplicate entry` warnings), opened the way
/// Postfix opens it: MDB_NOSUBDIR (the table is the single file FILE.lmdb) and MDB_NOLOCK (no
/// FILE.lmdb-lock beside it).
///
/// Records are collected in a `SortedBatch`, sorted by lmdb's key order (memcmp, shorter
/// first) and appended at `commit` with MDB_APPEND into a map sized up front from the records,
/// in transactions of `recordsPerTransaction` so the dirty pages never pile up in memory.
/// postmap instead inserts in source order into a 16 MiB map and reloads the whole source each
/// time the map fills up and doubles.
public final class LMDBWriter: MapWriter {
    public let name: MapName
    public private(set) var warnings: [MapWarning] = []
    public private(set) var count = 0
    private let options: MapWriteOptions
    /// `options.map` with lmdb's NUL default resolved.
    private let recordOptions: MapOptions
    private let file: AtomicFile
    private var env: OpaquePointer?
    private var batch: SortedBatch?
    private var maxKeySize = 511
    /// Upper bound of the bytes the records need in the map (see `reserve`).
    private var mapBytes = 0
    private var records = 0
    private var finished = false
    private(set) var spilledRuns = 0

    static let recordsPerTransaction = 16_384
    static let pageSize = 4096

    public init(_ name: MapName, options: MapWriteOptions = MapWriteOptions()) throws {
        guard name.type == .lmdb else {
            throw MapError(.unsupportedType, "\(name.type.rawValue): not an lmdb table")
        }
        self.name = name
        self.options = options
        self.recordOptions = options.map.resolvingNul(for: .lmdb)
        self.file = try AtomicFile(target: name.databasePath)
        var handle: OpaquePointer?
        var rc = mdb_env_create(&handle)
        guard rc == 0, let handle else { throw LMDB.error(rc, "create environment for", name.databasePath) }
        // MDB_NOSYNC: AtomicFile fsyncs the finished file once, before its rename.
        rc = mdb_env_open(handle, file.temp, UInt32(MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOSYNC), options.mode & 0o600)
        if rc != 0 {
            // deinit (a throw from a fully initialised class runs it) discards the temp file.
            mdb_env_close(handle)
            throw LMDB.error(rc, "open", file.temp)
        }
        env = handle
        maxKeySize = Int(mdb_env_get_maxkeysize(handle))
        batch = SortedBatch(hashMask: nil, expectedEntries: options.expectedEntries,
                            expectedBytes: options.expectedBytes, budget: options.sortBudget,
                            scratch: { [file] in try file.openScratch() })
    }

    deinit { abort() }

    public func append(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int) throws {
        try RecordCheck.validate(key: key, value: value, line: line, table: name)
        guard batch != nil else { throw MapError(.database, "\(name.databasePath): writer already closed") }
        let nul = recordOptions.nul.writesNul ? 1 : 0
        // ASCII folding keeps the length, so the limit is checked here, in source order; a
        // Unicode casefold that grows a key past it is caught by the put.
        if key.count + nul > maxKeySize {
            throw tooLong(key.count + nul, line: line)
        }
        try batch?.add(key: key, value: value, options: recordOptions, line: line)
        reserve(key: key.count + nul, value: value.count + nul)
        records += 1
    }

    /// postmap fails the same way ("error updating lmdb:FILE: MDB_BAD_VALSIZE").
    private func tooLong(_ bytes: Int, line: Int) -> MapError {
        MapError(.invalidRecord, "\(options.sourceFile ?? name.path):\(line):1: key of \(bytes) bytes: lmdb keys hold at most \(maxKeySize)")
    }

    /// A leaf node is an 8-byte header, the key and the value (or, past half a page, an 8-byte
    /// overflow page number), plus a 2-byte slot. Twice that covers half-full pages after
    /// splits and the branch pages above them.
    private func reserve(key: Int, value: Int) {
        let inline = 8 + key + value
        if inline <= (Self.pageSize - 16) / 2 {
            mapBytes += 2 * (inline + 3)
        } else {
            mapBytes += 2 * (8 + key + 8 + 3) + ((value + 16) / Self.pageSize + 1) * Self.pageSize
        }
    }

    public func commit() throws { try commit(fingerprint: nil, progress: nil) }

    func commit(fingerprint: String?, progress: ((Double) -> Void)?) throws {
        guard let env, !finished else { throw MapError(.database, "\(name.databasePath): writer already closed") }
        do {
            if let batch = self.batch {
                self.batch = nil
                spilledRuns = batch.runCount
                try load(batch, into: env, progress: progress)
            }
            self.env = nil
            mdb_env_close(env)
            let xattrs = fingerprint.map { [(MapBuild.fingerprintAttribute, Array($0.utf8))] } ?? []
            try file.commit(mode: options.mode, owner: options.owner, xattrs: xattrs)
            finished = true
        } catch {
            let explained = DiskSpace.explain(error, near: file.temp)
            abort()
            throw explained
        }
    }

    private func load(_ batch: consuming SortedBatch, into env: OpaquePointer, progress: ((Double) -> Void)?) throws {
        // Room for every record plus the pages each transaction's copy-on-write frees.
        let transactions = records / Self.recordsPerTransaction + mapBytes / (64 << 20) + 2
        let mapSize = mapBytes + (transactions * 64 + 256) * Self.pageSize
        var rc = mdb_env_set_mapsize(env, mapSize)
        if rc != 0 { throw LMDB.error(rc, "set map size of", file.temp) }

        var txn: OpaquePointer?
        var cursor: OpaquePointer?
        var dbi: MDB_dbi = 0
        func begin() throws {
            rc = mdb_txn_begin(env, nil, 0, &txn)
            if rc != 0 { throw LMDB.error(rc, "begin transaction on", file.temp) }
            rc = mdb_dbi_open(txn, nil, 0, &dbi)
            if rc == 0 { rc = mdb_cursor_open(txn, dbi, &cursor) }
            if rc != 0 { mdb_txn_abort(txn); txn = nil; throw LMDB.error(rc, "open", file.temp) }
        }
        func end() throws {
            guard let t = txn else { return }
            txn = nil
            rc = mdb_txn_commit(t)
            if rc != 0 { throw LMDB.error(rc, "write", file.temp) }
        }
        defer { if let txn { mdb_txn_abort(txn) } }

        try begin()
        // A copy: the batch's buffers are valid only during the call (a spilled sort reuses them).
        var previous: [UInt8] = []
        var first = true
        var inTransaction = 0
        let policy = options.map.duplicates
        try batch.drain(policy: policy, progress: progress) { k, v, line in
            // Equal keys arrive together in source order: the first is stored (with `.replace`
            // the batch hands over only the last).
            if !first, previous.elementsEqual(k) {
                if policy == .warn {
                    warnings.append(DuplicateWarning.make(k, line: line, source: options.sourceFile ?? name.path,
                                                          table: MapType.lmdb.duplicateWarningName(name.path)))
                }
                return
            }
            first = false
            previous.removeAll(keepingCapacity: true)
            previous.append(contentsOf: k)
            var mk = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            var mv = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
            rc = mdb_cursor_put(cursor, &mk, &mv, UInt32(MDB_APPEND))
            if rc == MDB_BAD_VALSIZE { throw tooLong(k.count, line: line) }
            if rc != 0 { throw LMDB.error(rc, "write", file.temp) }
            count += 1
            inTransaction += 1
            if inTransaction == Self.recordsPerTransaction {
                try end()
                try begin()
                inTransaction = 0
            }
        }
        try end()
        warnings.sort { $0.line < $1.line }
    }

    public func abort() {
        if finished { return }
        finished = true
        batch = nil
        if let env { mdb_env_close(env) }
        env = nil
        file.discard()
    }
}

extension LMDBWriter: TableWriter {}

enum LMDB {
    /// lmdb returns errno values (ENOSPC, EACCES: strerror's text) or its own MDB_* codes.
    static func error(_ rc: Int32, _ op: String, _ path: String) -> MapError {
        if rc > 0 { return SystemError.io(rc, op, path) }
        let text = mdb_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
        return MapError(.database, "\(op) \(path): \(text)")
    }
}
