#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Postfix's map-building interface (mkmap open / append / close) as one small protocol, so the
/// Berkeley DB, lmdb and cdb backends share the callers.
///
/// `append` folds the key (unless `MapOptions.foldCase` is off) and applies the duplicate
/// policy; nothing is visible at the target path until `commit()` renames the finished file
/// over it. A writer that is dropped or `abort()`ed leaves the old table untouched.
public protocol MapWriter: AnyObject {
    var name: MapName { get }
    /// Duplicate warnings so far (a sorting backend reports them at `commit`).
    var warnings: [MapWarning] { get }
    /// Number of distinct keys written so far (valid after `commit`).
    var count: Int { get }
    func append(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int) throws
    func commit() throws
    func abort()
}

extension MapWriter {
    public func append(key: String, value: String, line: Int = 0) throws {
        var k = key, v = value
        try k.withUTF8 { kb in try v.withUTF8 { vb in try append(key: kb, value: vb, line: line) } }
    }

    public func append(key: [UInt8], value: [UInt8], line: Int = 0) throws {
        try key.withUnsafeBufferPointer { kb in
            try value.withUnsafeBufferPointer { vb in try append(key: kb, value: vb, line: line) }
        }
    }
}

/// How and where a table is written.
public struct MapWriteOptions: Sendable {
    public var map: MapOptions
    /// The source file named in duplicate warnings (default: the map path).
    public var sourceFile: String?
    /// File mode of the new table; `MapWriteOptions.mode(derivedFrom:)` gives postmap's rule.
    public var mode: mode_t
    /// Owner for the new table when running as root (postmap runs as the source's owner).
    public var owner: (uid: uid_t, gid: gid_t)?
    /// Expected number of entries: sizes the hash table (`h_nelem`) and the cache up front.
    public var expectedEntries: Int
    /// Expected source size in bytes (sizes the cache when the entry count is unknown).
    public var expectedBytes: Int
    /// Memory a sorting writer holds before it spills sorted runs to disk (tests lower it).
    var sortBudget = SortedBatch.defaultBudget

    public init(map: MapOptions = MapOptions(), sourceFile: String? = nil, mode: mode_t = 0o644,
                owner: (uid: uid_t, gid: gid_t)? = nil, expectedEntries: Int = 0, expectedBytes: Int = 0) {
        self.map = map
        self.sourceFile = sourceFile
        self.mode = mode
        self.owner = owner
        self.expectedEntries = expectedEntries
        self.expectedBytes = expectedBytes
    }

    /// postmap's `umask(022 | (~source_mode & 077))` on a 0644 create: owner read/write, plus
    /// the source's group/other READ bits, never a write bit.
    public static func mode(derivedFrom sourceMode: mode_t) -> mode_t {
        0o600 | (sourceMode & 0o044)
    }
}

/// Opens the writer for `name.type`: `BerkeleyDBWriter` (hash, btree), `LMDBWriter`,
/// `CDBWriter`.
public func openMapWriter(_ name: MapName, options: MapWriteOptions = MapWriteOptions()) throws -> any MapWriter {
    try openTableWriter(name, options: options)
}
