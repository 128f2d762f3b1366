import CBerkeleyDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a built table as Postfix does (dict_db.c, dict_lmdb.c, dict_cdb.c alike): the query
/// key is folded unless `foldCase` is off, tried with the trailing NUL first, then without, and
/// the style that hit is remembered.
public final class MapReader {
    public let name: MapName
    private let options: MapOptions
    private var db: UnsafeMutablePointer<DB>?
    private var lmdb: LMDBTable?
    private var cdb: CDBTable?
    private var tryWithNul: Bool
    private var tryWithoutNul: Bool
    private var keyBuffer: [UInt8] = []

    public static func open(_ name: MapName, options: MapOptions = MapOptions()) throws -> MapReader {
        try MapReader(name, options: options)
    }

    public init(_ name: MapName, options: MapOptions = MapOptions()) throws {
        guard name.type.isIndexed else {
            throw MapError(.unsupportedType, "\(name.type.rawValue): table type not supported for reading")
        }
        self.name = name
        self.options = options
        tryWithNul = options.nul.readsWithNul
        tryWithoutNul = options.nul.readsWithoutNul
        switch name.type {
        case .lmdb: lmdb = try LMDBTable(path: name.databasePath); return
        case .cdb: cdb = try CDBTable(path: name.databasePath); return
        default: break
        }
        var handle: UnsafeMutablePointer<DB>?
        var rc = gw_db_create(&handle)
        guard rc == 0, let handle else { throw BerkeleyDB.error(rc, "db_create", name.databasePath) }
        rc = gw_db_open(handle, name.databasePath, name.type == .hash ? DB_HASH : DB_BTREE, UInt32(DB_RDONLY), 0)
        if rc != 0 {
            _ = gw_db_close(handle, 0)
            if rc == EINVAL {
                throw MapError(.database, "open database \(name.databasePath): not a Berkeley DB \(name.type.rawValue) file")
            }
            if rc > 0 { errno = rc; throw AtomicFile.ioError("open database", name.databasePath) }
            throw BerkeleyDB.error(rc, "open database", name.databasePath)
        }
        db = handle
    }

    deinit {
        if let db { _ = gw_db_close(db, 0) }
    }

    /// The value stored for `key` (C-string semantics: up to the first NUL), or nil.
    public func lookup(_ key: String) throws -> String? {
        try lookup(bytes: Array(key.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    public func lookup(bytes key: [UInt8]) throws -> [UInt8]? {
        if options.foldCase {
            keyBuffer = KeyFolding.fold(key, smtputf8: options.smtputf8)
        } else {
            keyBuffer = key
        }
        if tryWithNul {
            keyBuffer.append(0)
            if let v = try get(keyBuffer) {
                tryWithoutNul = false
                return v
            }
            keyBuffer.removeLast()
        }
        if tryWithoutNul, let v = try get(keyBuffer) {
            tryWithNul = false
            return v
        }
        return nil
    }

    private func get(_ key: [UInt8]) throws -> [UInt8]? {
        if let lmdb {
            return try key.withUnsafeBufferPointer { try lmdb.get($0) }.map { Array(SourceScanner.cString($0)) }
        }
        if let cdb {
            return try key.withUnsafeBufferPointer { try cdb.get($0) }.map { Array(SourceScanner.cString($0)) }
        }
        guard let db else { return nil }
        var data: UnsafeRawPointer?
        var length: UInt32 = 0
        let rc = key.withUnsafeBufferPointer { gw_db_get(db, $0.baseAddress, UInt32($0.count), &data, &length) }
        if rc == DB_NOTFOUND { return nil }
        if rc != 0 { throw BerkeleyDB.error(rc, "get", name.databasePath) }
        guard let data else { return [] }
        return Array(SourceScanner.cString(UnsafeBufferPointer(start: data.assumingMemoryBound(to: UInt8.self),
                                                                   count: Int(length))))
    }

    /// Every record in database order as `postmap -s` prints it (trailing NUL dropped, C-string
    /// semantics).
    /// cdb tables list every record in file order, duplicates a `-w` build kept included.
    public func forEach(_ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if let lmdb {
            try lmdb.forEach { k, v in try body(SourceScanner.cString(k), SourceScanner.cString(v)) }
            return
        }
        if let cdb {
            try cdb.forEach { k, v in try body(SourceScanner.cString(k), SourceScanner.cString(v)) }
            return
        }
        guard let db else { return }
        var cursor: UnsafeMutablePointer<DBC>?
        var rc = gw_db_cursor(db, &cursor)
        guard rc == 0, let cursor else { throw BerkeleyDB.error(rc, "cursor", name.databasePath) }
        defer { _ = gw_dbc_close(cursor) }
        var flag = UInt32(DB_FIRST)
        while true {
            var k: UnsafeRawPointer?, v: UnsafeRawPointer?
            var kl: UInt32 = 0, vl: UInt32 = 0
            rc = gw_dbc_next(cursor, flag, &k, &kl, &v, &vl)
            if rc == DB_NOTFOUND { return }
            if rc != 0 { throw BerkeleyDB.error(rc, "cursor get", name.databasePath) }
            flag = UInt32(DB_NEXT)
            let kb = k.map { UnsafeBufferPointer(start: $0.assumingMemoryBound(to: UInt8.self), count: Int(kl)) }
                ?? UnsafeBufferPointer(start: nil, count: 0)
            let vb = v.map { UnsafeBufferPointer(start: $0.assumingMemoryBound(to: UInt8.self), count: Int(vl)) }
                ?? UnsafeBufferPointer(start: nil, count: 0)
            try body(SourceScanner.cString(kb), SourceScanner.cString(vb))
        }
    }

    /// All records as strings, in database order: the entries a lookup can return (of the
    /// duplicates a `-w` cdb build kept, only the first, which is the one cdb finds).
    public func dump() throws -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        var seen = Set<[UInt8]>()
        try forEach { k, v in
            if cdb != nil && !seen.insert(Array(k)).inserted { return }
            out.append((String(decoding: k, as: UTF8.self), String(decoding: v, as: UTF8.self)))
        }
        return out
    }
}
