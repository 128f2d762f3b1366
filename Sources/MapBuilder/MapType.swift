/// The Postfix lookup-table types MapBuilder knows. Indexed types are built from a source file;
/// regex types are the source file itself.
public enum MapType: String, Sendable, CaseIterable {
    case hash, btree, cdb, lmdb, pcre, regexp

    /// Built into a database file by `postmap` (as opposed to read as text at lookup time).
    public var isIndexed: Bool {
        switch self {
        case .hash, .btree, .cdb, .lmdb: return true
        case .pcre, .regexp: return false
        }
    }

    /// The suffix Postfix appends to the source path for the built table.
    public var databaseSuffix: String {
        switch self {
        case .hash, .btree: return ".db"
        case .cdb: return ".cdb"
        case .lmdb: return ".lmdb"
        case .pcre, .regexp: return ""
        }
    }

    /// Needs `postmap` (or `gatewayctl map build`) before Postfix can read it: the built file
    /// (`path + databaseSuffix`) is what Postfix opens, and it goes stale when the source changes.
    public var needsBuiltFile: Bool { isIndexed }

    /// Stored in Berkeley DB: unusable on a Postfix built without it (RHEL/Rocky 10, Gentoo with
    /// Postfix 3.12), where `lmdb` or `cdb` take its place.
    public var needsBerkeleyDB: Bool { self == .hash || self == .btree }

    /// Keys and values carry their trailing NUL when neither `-N` nor `-n` is given: dict_db and
    /// dict_lmdb write it on Linux and the BSDs, dict_cdb does not (its create mode defaults to
    /// DICT_FLAG_TRY0NULL).
    public var writesNulByDefault: Bool { self != .cdb }

    /// `postmap -i` can add records to an existing table. A cdb file is constant: postmap fails
    /// with "inappropriate open flags for cdb database" and the table must be rebuilt.
    public var supportsIncrementalUpdate: Bool {
        switch self {
        case .hash, .btree, .lmdb: return true
        case .cdb, .pcre, .regexp: return false
        }
    }

    /// How the dictionary names the table `path` in its duplicate-entry warning: dict_db its
    /// file (`FILE.db`), dict_lmdb `lmdb:FILE`, dict_cdb the source path.
    public func duplicateWarningName(_ path: String) -> String {
        switch self {
        case .lmdb: return "lmdb:\(path)"
        case .cdb: return path
        default: return path + databaseSuffix
        }
    }

    /// The Debian package that adds this dictionary type to Postfix (a dynamicmaps.cf entry),
    /// or nil when the `postfix` package itself has it.
    public var debianPackage: String? {
        switch self {
        case .hash, .btree, .regexp: return nil
        case .lmdb: return "postfix-lmdb"
        case .cdb: return "postfix-cdb"
        case .pcre: return "postfix-pcre"
        }
    }
}

/// `type:path` as Postfix writes a table reference (`hash:/etc/postfix/access`).
public struct MapName: Sendable, Hashable, CustomStringConvertible {
    public var type: MapType
    /// The source path as given (postmap's `FILE`); the database is `path + type.databaseSuffix`.
    public var path: String

    public init(type: MapType, path: String) {
        self.type = type
        self.path = path
    }

    /// Parses `type:path`; a bare path means `defaultType` (postmap's `default_database_type`).
    /// Returns nil for an unknown type or an empty path.
    public init?(parsing text: String, defaultType: MapType = .hash) {
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
            guard let type = MapType(rawValue: String(text[..<colon])) else { return nil }
            self.type = type
            self.path = String(text[text.index(after: colon)...])
        } else {
            self.type = defaultType
            self.path = text
        }
        if path.isEmpty { return nil }
    }

    public var databasePath: String { path + type.databaseSuffix }

    public var description: String { "\(type.rawValue):\(path)" }
}
