import Diagnostics

/// A lookup table named somewhere in main.cf or master.cf.
public struct TableReference: Sendable {
    /// As written after expansion (`hash:/etc/postfix/helo_access`).
    public var reference: String
    /// The type without `proxy:` (`hash`, `pcre`, ...).
    public var type: String
    public var span: SourceSpan?
    public var parameter: String
    public var scope: ParameterScope

    /// An aliases(5) table (`name: value`, built by postalias/newaliases), not a postmap source.
    public var isAliasTable: Bool { parameter == "alias_maps" || parameter == "alias_database" }

    /// The file part of the reference (`/etc/postfix/helo_access`).
    public var path: String { String(reference.dropFirst(type.count + 1)) }
}

extension PostfixConfigSet {
    /// Table types whose source is a local file gatewayctl can read.
    static let fileTableTypes: Set<String> = ["hash", "btree", "cdb", "lmdb", "dbm", "sdbm", "texthash", "cidr", "pcre", "regexp"]

    /// Every file-based table that a parameter (main.cf or `-o`) names, once per reference.
    /// Computed once per run (every map rule asks; a main.cf may hold 100,000 parameters).
    public var tableReferences: [TableReference] {
        tables.derived("tableReferences") { scanTableReferences() }
    }

    private func scanTableReferences() -> [TableReference] {
        var out: [TableReference] = []
        var seen = Set<String>()
        func scan(_ scope: ParameterScope, _ names: [String]) {
            // Each list once per scope: `$name` items repeat lists already scanned.
            var walked = Set<String>()
            for name in names where !Self.isCacheParameter(name) {
                scope.forEachDistinctItem(name, walked: &walked) { item in
                    var text = PostfixList.ungroup(item.text)
                    while text.hasPrefix("proxy:") { text = String(text.dropFirst(6)) }
                    guard let colon = text.firstIndex(of: ":") else { return }
                    let type = String(text[..<colon])
                    guard Self.fileTableTypes.contains(type) else { return }
                    guard seen.insert(text).inserted else { return }
                    out.append(TableReference(reference: text, type: type, span: item.span, parameter: name, scope: scope))
                }
            }
        }
        guard hasMainCf else { return [] }
        scan(parameters(for: nil), mainCf.entries.map(\.name))
        for s in smtpdServices + (masterCf?.services.filter { !$0.isSMTPServer } ?? []) where !s.overrides.isEmpty {
            scan(parameters(for: s), s.overrides.map(\.name))
        }
        return out
    }

    /// Databases Postfix's daemons write themselves (TLS session caches, the address
    /// verification and postscreen caches): no source to lint, no .db to build.
    static func isCacheParameter(_ name: String) -> Bool {
        name.hasSuffix("_cache_database") || name.hasSuffix("_cache_map") || name == "address_verify_map"
    }

    /// The tables behind `tableReferences`, read through the run's cache.
    public var referencedTables: [(TableReference, AccessTable)] {
        tableReferences.map { ref in (ref, tables.table(ref.reference, config: self, scope: ref.scope, at: ref.span)) }
    }
}
