import MapBuilder
import PostfixConfig

/// `[gateway] table-type`: the type of every indexed table the gateway emits (`hash`, `btree`,
/// `lmdb`, `cdb`) and what each target's Postfix can open.
///
/// The facts, per target (the packages as they are today):
/// - Debian: the `postfix` package links Berkeley DB (libdb5.3) and its `default_database_type`
///   is `hash`; `lmdb` and `cdb` are dynamic maps shipped separately as `postfix-lmdb` and
///   `postfix-cdb` (dynamicmaps.cf.d entries).
/// - FreeBSD: Postfix's sys_defs.h gives the BSDs `HAS_DB` with `DEF_DB_TYPE "hash"` (libc's
///   db(3), always there, whatever the port's BDB option says); `lmdb` and `cdb` are the port's
///   LMDB and CDB options, both in mail/postfix's OPTIONS_DEFAULT, so the package has them.
/// - Postfix itself: cdb tables since 2.2 (cdb_table(5)), lmdb since 2.11 (lmdb_table(5)).
///   3.11 added `postfix non-bdb` and `default_cache_db_type` for systems without Berkeley DB;
///   it keeps `hash` as `default_database_type` where Berkeley DB is built in.
/// So the default is `hash` on every target gatewayctl builds for: what `postmap` without a
/// type builds there, and what needs no extra package.
public enum TableType {
    /// The types a gateway's indexed tables may have.
    public static let choices: [MapType] = [.hash, .btree, .lmdb, .cdb]

    /// What the target's Postfix defaults to (`default_database_type`).
    public static func defaultType(platform: Platform, postfix: PostfixVersion) -> MapType { .hash }

    /// The first Postfix release with the type.
    public static func since(_ type: MapType) -> PostfixVersion {
        switch type {
        case .lmdb: return PostfixVersion(2, 11)
        case .cdb: return PostfixVersion(2, 2)
        default: return PostfixVersion(1, 0)
        }
    }

    /// Why the target cannot open `type`, or nil when it can.
    public static func problem(_ type: MapType, platform: Platform, postfix: PostfixVersion) -> String? {
        guard choices.contains(type) else {
            return "`\(type.rawValue)` is not an indexed table type"
        }
        if postfix < since(type) {
            return "Postfix \(postfix) has no `\(type.rawValue)` tables (they came with Postfix \(since(type)))"
        }
        return nil
    }

    /// What the target must have installed besides Postfix itself to open `type`, for the
    /// host steps and the help texts: Debian's package, FreeBSD's port option.
    public static func requirement(_ type: MapType, platform: Platform) -> String? {
        switch platform {
        case .debian: return type.debianPackage
        case .freebsd:
            switch type {
            case .lmdb: return "mail/postfix with the LMDB option (on by default)"
            case .cdb: return "mail/postfix with the CDB option (on by default)"
            default: return nil
            }
        }
    }

    /// The type of Postfix's own read-write caches (postscreen, TLS sessions): a cdb file is
    /// constant, so a cdb gateway keeps its caches in `btree`, which is what Postfix uses for
    /// them by default (postscreen_cache_map, and 3.11's default_cache_db_type unless
    /// default_database_type is lmdb). The other types are read-write and serve as they are.
    public static func cacheType(_ type: MapType) -> MapType { type == .cdb ? .btree : type }
}

extension Identity {
    /// `table-type`, or the target's default when it is not given.
    public var effectiveTableType: MapType {
        tableType ?? TableType.defaultType(platform: platform, postfix: postfix)
    }
}
