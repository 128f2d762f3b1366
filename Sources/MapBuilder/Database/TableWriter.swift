#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `MapWriter` that `MapBuild` can drive: commit tags the table with the source fingerprint
/// and reports the progress of a bulk build's inserts.
protocol TableWriter: MapWriter {
    func commit(fingerprint: String?, progress: ((Double) -> Void)?) throws
    /// Sorted runs the build spilled to disk (tests check the spilling path ran).
    var spilledRuns: Int { get }
}

extension TableWriter {
    var spilledRuns: Int { 0 }
}

extension BerkeleyDBWriter: TableWriter {}

/// The writer for an indexed type.
func openTableWriter(_ name: MapName, options: MapWriteOptions) throws -> any TableWriter {
    switch name.type {
    case .hash, .btree: return try BerkeleyDBWriter(name, options: options)
    case .lmdb: return try LMDBWriter(name, options: options)
    case .cdb: return try CDBWriter(name, options: options)
    case .pcre, .regexp:
        throw MapError(.unsupportedType, "\(name.type.rawValue): regular expression tables are not built; query them instead")
    }
}

extension MapOptions {
    /// The NUL style `type` writes with these options (`.auto` is the dictionary's default).
    func writesNul(for type: MapType) -> Bool {
        switch nul {
        case .always: return true
        case .never: return false
        case .auto: return type.writesNulByDefault
        }
    }

    /// These options with `.auto` resolved for `type`, for code that only asks `writesNul`.
    func resolvingNul(for type: MapType) -> MapOptions {
        var o = self
        o.nul = writesNul(for: type) ? .always : .never
        return o
    }
}

enum DuplicateWarning {
    /// `"<table>: duplicate entry: \"<key>\""` as the dictionary prints it (`table` is its name
    /// for the dictionary: `FILE.db` for dict_db, `lmdb:FILE` for dict_lmdb, `FILE` for
    /// dict_cdb), located in the source.
    static func make(_ key: UnsafeBufferPointer<UInt8>, line: Int, source: String, table: String) -> MapWarning {
        let shown = String(decoding: SourceScanner.cString(key), as: UTF8.self)
        return MapWarning(kind: .duplicateEntry, file: source, line: line, column: 1,
                          message: "duplicate entry: \"\(shown)\"",
                          postmapText: "\(table): duplicate entry: \"\(shown)\"")
    }
}

enum SystemError {
    /// `op path: strerror(code)`, keeping the errno's own text ("No space left on device").
    static func io(_ code: Int32, _ op: String, _ path: String) -> MapError {
        MapError(.io, "\(op) \(path): \(String(cString: strerror(code)))")
    }
}
