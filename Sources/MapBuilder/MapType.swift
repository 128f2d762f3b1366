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
