import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A built lmdb table opened read-only the way dict_lmdb opens it (MDB_NOSUBDIR | MDB_NOLOCK:
/// no lock file is created), with one read transaction for the reader's lifetime.
final class LMDBTable {
    private let path: String
    private var env: OpaquePointer?
    private var txn: OpaquePointer?
    private var dbi: MDB_dbi = 0

    init(path: String) throws {
        self.path = path
        var handle: OpaquePointer?
        var rc = mdb_env_create(&handle)
        guard rc == 0, let handle else { throw LMDB.error(rc, "open database", path) }
        rc = mdb_env_open(handle, path, UInt32(MDB_NOSUBDIR | MDB_NOLOCK | MDB_RDONLY), 0)
        if rc == 0 && LMDBTable.isTruncated(handle, path: path) {
            mdb_env_close(handle)
            throw MapError(.database, "open database \(path): damaged lmdb file (shorter than its pages)")
        }
        if rc == 0 { rc = mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn) }
        if rc == 0 { rc = mdb_dbi_open(txn, nil, 0, &dbi) }
        if rc != 0 {
            // A throw from here runs deinit: leave it nothing to release twice.
            if let txn { mdb_txn_abort(txn) }
            txn = nil
            mdb_env_close(handle)
            // An empty file: lmdb finds no meta page and, read-only, says EBADF.
            if rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == EBADF {
                throw MapError(.database, "open database \(path): not an lmdb file")
            }
            throw LMDB.error(rc, "open database", path)
        }
        env = handle
    }

    /// lmdb maps the file and trusts its meta page: pages past the end of a truncated file
    /// would be a SIGBUS at the first read, so the size is checked first.
    private static func isTruncated(_ env: OpaquePointer, path: String) -> Bool {
        var info = MDB_envinfo()
        var ms = MDB_stat()
        var st = stat()
        guard mdb_env_info(env, &info) == 0, mdb_env_stat(env, &ms) == 0, stat(path, &st) == 0 else { return true }
        return Int(st.st_size) < (info.me_last_pgno + 1) * Int(ms.ms_psize)
    }

    deinit {
        if let txn { mdb_txn_abort(txn) }
        if let env { mdb_env_close(env) }
    }

    /// The stored value (borrowed from the map, valid while the table is open), or nil.
    func get(_ key: UnsafeBufferPointer<UInt8>) throws -> UnsafeBufferPointer<UInt8>? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(txn, dbi, &k, &v)
        if rc == MDB_NOTFOUND { return nil }
        if rc != 0 { throw LMDB.error(rc, "read", path) }
        return LMDBTable.bytes(v)
    }

    /// Every record in key order (dict_lmdb's sequence: a cursor from MDB_FIRST).
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var cursor: OpaquePointer?
        var rc = mdb_cursor_open(txn, dbi, &cursor)
        if rc != 0 { throw LMDB.error(rc, "read", path) }
        defer { mdb_cursor_close(cursor) }
        var op = MDB_FIRST
        while true {
            var k = MDB_val(), v = MDB_val()
            rc = mdb_cursor_get(cursor, &k, &v, op)
            if rc == MDB_NOTFOUND { return }
            if rc != 0 { throw LMDB.error(rc, "read", path) }
            op = MDB_NEXT
            try body(LMDBTable.bytes(k), LMDBTable.bytes(v))
        }
    }

    private static func bytes(_ v: MDB_val) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: v.mv_data?.assumingMemoryBound(to: UInt8.self), count: v.mv_data == nil ? 0 : v.mv_size)
    }
}
