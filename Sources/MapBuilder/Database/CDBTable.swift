import CCDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A built cdb table opened as dict_cdb opens it (tinycdb maps the whole file).
final class CDBTable {
    private let path: String
    private var fd: Int32
    private let db: UnsafeMutablePointer<cdb>
    /// Set once cdb_init succeeded: only then does deinit owe a cdb_free.
    private var mapped = false

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.io(errno, "open database", path) }
        db = .allocate(capacity: 1)
        // From here on a throw runs deinit, which closes and frees.
        if cdb_init(db, fd) != 0 {
            let code = errno
            // tinycdb: EPROTO for a file too short to hold cdb's 2048-byte table of tables.
            if code == EPROTO { throw MapError(.database, "open database \(path): not a cdb file") }
            throw SystemError.io(code, "open database", path)
        }
        mapped = true
    }

    deinit {
        if mapped { cdb_free(db) }
        close(fd)
        db.deallocate()
    }

    /// The value of the first record with `key` (borrowed from the map), or nil.
    func get(_ key: UnsafeBufferPointer<UInt8>) throws -> UnsafeBufferPointer<UInt8>? {
        let rc = cdb_find(db, key.baseAddress, UInt32(key.count))
        if rc == 0 { return nil }
        if rc < 0 { throw corrupt(errno) }
        return try slice(gw_cdb_datapos(db), gw_cdb_datalen(db))
    }

    /// Every record in file order, duplicates included (what `cdb -d` lists; postmap -s cannot
    /// sequence a cdb table).
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var pos: UInt32 = 0
        gw_cdb_seqinit(&pos, db)
        while true {
            let rc = cdb_seqnext(&pos, db)
            if rc == 0 { return }
            if rc < 0 { throw corrupt(errno) }
            try body(try slice(gw_cdb_keypos(db), gw_cdb_keylen(db)), try slice(gw_cdb_datapos(db), gw_cdb_datalen(db)))
        }
    }

    private func slice(_ pos: UInt32, _ len: UInt32) throws -> UnsafeBufferPointer<UInt8> {
        if len == 0 { return UnsafeBufferPointer(start: nil, count: 0) }
        guard let p = cdb_get(db, len, pos) else { throw corrupt(errno) }
        return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: Int(len))
    }

    private func corrupt(_ code: Int32) -> MapError {
        if code == EPROTO { return MapError(.database, "read \(path): damaged cdb file") }
        return SystemError.io(code, "read", path)
    }
}
