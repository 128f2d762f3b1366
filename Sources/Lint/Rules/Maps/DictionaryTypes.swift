import FoundationEssentials
import Diagnostics
import PostfixConfig

/// What the map-type rules share: which dictionary types the linted Postfix can open, and the
/// typed tables and caches a configuration names.
enum DictionaryTypes {
    /// Indexed types (built from a source by postmap, or written by a daemon).
    static let indexed: Set<String> = ["hash", "btree", "lmdb", "cdb", "dbm", "sdbm"]
    /// Types a Postfix built with dynamic maps loads from a plugin listed in dynamicmaps.cf.
    static let dynamic: Set<String> = ["lmdb", "cdb", "pcre", "ldap", "mysql", "pgsql", "sqlite", "mongodb"]
    /// Cache parameters Postfix's daemons read and write (cdb, a constant file, cannot serve).
    static let caches = ["postscreen_cache_map", "address_verify_map", "smtpd_tls_session_cache_database",
                         "smtp_tls_session_cache_database", "lmtp_tls_session_cache_database"]

    /// Where the answer came from, for the messages.
    enum Source: Equatable { case postconf, dynamicmaps(String) }

    /// The types this Postfix opens, when the linted tree tells: on a live system
    /// (`config_directory` is the linted directory) `postconf -m` of that system; otherwise the
    /// dynamicmaps.cf registry (and dynamicmaps.cf.d/) when the tree holds it (Debian keeps it
    /// in /etc/postfix), which answers for the dynamic types only. nil when nothing tells.
    static func supported(_ config: PostfixConfigSet) -> (types: Set<String>, source: Source, complete: Bool)? {
        guard config.hasMainCf, !config.root.isEmpty else { return nil }
        if TLSSupport.isLive(config, config.parameters(for: nil)), let types = postconfTypes(config.root) {
            return (types, .postconf, true)
        }
        let registry = PostfixConfigSet.joinPath(config.root, "dynamicmaps.cf")
        guard let bytes = config.readFile(registry) else { return nil }
        var text = String(decoding: bytes, as: UTF8.self)
        let dir = registry + ".d"
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() where name.hasSuffix(".cf") {
            if let more = config.readFile(PostfixConfigSet.joinPath(dir, name)) { text += "\n" + String(decoding: more, as: UTF8.self) }
        }
        var types = Set<String>()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if let first = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first { types.insert(String(first)) }
        }
        return (types, .dynamicmaps(registry), false)
    }

    /// `postconf -c DIR -m` of the system (a live system only): nil when it cannot run.
    static func postconfTypes(_ configDirectory: String) -> Set<String>? {
        guard let postconf = ["/usr/sbin/postconf", "/usr/local/sbin/postconf"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else { return nil }
        guard let data = Subprocess.output(postconf, ["-c", configDirectory, "-m"]) else { return nil }
        let types = Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
        return types.isEmpty ? nil : types
    }

    /// One `type:...` item of a parameter.
    struct Named {
        var type: String
        var table: String
        var parameter: String
        var span: SourceSpan
        var scope: ParameterScope
        var isCache: Bool
    }

    /// Every typed table the configuration names (main.cf and master.cf `-o`), and the caches'
    /// values when written explicitly.
    static func named(_ config: PostfixConfigSet) -> [Named] {
        var out = config.tableReferences.map {
            Named(type: $0.type, table: $0.reference, parameter: $0.parameter,
                  span: $0.span ?? $0.scope.anchor($0.parameter), scope: $0.scope, isCache: false)
        }
        let scopes = [config.parameters(for: nil)] + (config.masterCf?.services.filter { !$0.overrides.isEmpty } ?? []).map {
            config.parameters(for: $0)
        }
        var seen = Set<String>()
        for scope in scopes {
            for name in caches where scope.isExplicit(name) {
                var value = Substring(scope.value(name))
                while value.hasPrefix("proxy:") { value = value.dropFirst("proxy:".count) }
                guard let colon = value.firstIndex(of: ":"), seen.insert(name + "=" + value).inserted else { continue }
                out.append(Named(type: String(value[..<colon]), table: String(value), parameter: name,
                                 span: scope.origin(name)?.valueSpan ?? scope.anchor(name), scope: scope, isCache: true))
            }
        }
        return out
    }

    /// The Debian package or build option that adds `type`.
    static func provider(_ type: String) -> String {
        switch type {
        case "hash", "btree": return "a Postfix built with Berkeley DB"
        case "lmdb", "cdb", "pcre", "ldap", "mysql", "pgsql", "sqlite": return "postfix-\(type) (Debian), or the port's \(type.uppercased()) option (FreeBSD)"
        default: return "a Postfix built with `\(type)` support"
        }
    }
}
