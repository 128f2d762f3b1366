import Diagnostics
import PostfixConfig

/// GW4006: a table or cache whose type this Postfix cannot open (or, for a cache, not write).
struct TableTypeUnavailableRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW4006", name: "table-type-unavailable", severity: .error,
        summary: "a table's type is one this Postfix cannot open",
        rationale: """
        Postfix opens a table through the dictionary its type names, and a type it lacks fails \
        every lookup in the table (`unsupported dictionary type`, mail deferred with `451 4.3.0`). \
        lmdb, cdb and pcre are plugins on Debian and FreeBSD: Debian ships them as the packages \
        postfix-lmdb, postfix-cdb and postfix-pcre, FreeBSD as options of the mail/postfix port, \
        and each registers in dynamicmaps.cf (or dynamicmaps.cf.d/). hash and btree need a \
        Postfix built with Berkeley DB, which some distributions no longer have (Postfix 3.11's \
        NON_BERKELEYDB_README). lmdb came with Postfix 2.11 and cdb with 2.2. A cache \
        (`postscreen_cache_map`, `address_verify_map`, the TLS session caches) is written by \
        its daemon, so cdb, a constant file, cannot hold it. What this Postfix has is known on \
        a live system (`gatewayctl lint /`: `postconf -m`) and, for the plugins, when the \
        linted tree holds dynamicmaps.cf (Debian keeps it in /etc/postfix); otherwise only the \
        version and the caches are checked.
        """,
        triggering: [
            .postfix(mainCf: "relay_recipient_maps = ↓lmdb:/etc/postfix/relay_recipients\n",
                     [("relay_recipients", "user@example.com OK\n"),
                      ("dynamicmaps.cf", "# dict-type\tso-name\tdict-function\tmkmap-function\npcre\tpostfix-pcre.so\tdict_pcre_open\n")]),
            .postfix(mainCf: "# gatewayctl: postfix-version=2.8\ntransport_maps = ↓lmdb:/etc/postfix/transport\n",
                     [("transport", "example.com smtp:[192.0.2.1]\n")]),
            .postfix(mainCf: "postscreen_cache_map = ↓cdb:$data_directory/postscreen_cache\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "relay_recipient_maps = lmdb:/etc/postfix/relay_recipients\n",
                     [("relay_recipients", "user@example.com OK\n"),
                      ("dynamicmaps.cf", "pcre\tpostfix-pcre.so\tdict_pcre_open\nlmdb\tpostfix-lmdb.so\tdict_lmdb_open\tmkmap_lmdb_open\n")]),
            .postfix(mainCf: "relay_recipient_maps = cdb:/etc/postfix/relay_recipients\n",
                     [("relay_recipients", "user@example.com OK\n")]),
            .postfix(mainCf: "postscreen_cache_map = lmdb:$data_directory/postscreen_cache\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        let supported = DictionaryTypes.supported(config)
        var out = DiagnosticSet()
        var reported = Set<String>()
        for n in DictionaryTypes.named(config) {
            guard reported.insert(n.parameter + "\u{0}" + n.table).inserted else { continue }
            if n.isCache, n.type == "cdb" {
                out.add(Self.diagnostic("`\(n.parameter)` is a cache its daemon writes, and a cdb table is read-only: it cannot be updated",
                                        at: n.span, fix: "use `btree:` (Postfix's default for caches) or `lmdb:`"))
                continue
            }
            if let since = ["lmdb": PostfixVersion(2, 11), "cdb": PostfixVersion(2, 2)][n.type], config.version < since {
                out.add(Self.diagnostic("Postfix \(config.version) has no `\(n.type)` tables (they came with Postfix \(since)): `\(n.table)` cannot be opened",
                                        at: n.span, fix: "use `hash:` and build it with `postmap hash:...`"))
                continue
            }
            guard let supported, !supported.types.contains(n.type) else { continue }
            switch supported.source {
            case .postconf:
                out.add(Self.diagnostic("this Postfix has no `\(n.type)` tables (`postconf -m` does not list it): `\(n.table)` cannot be opened",
                                        at: n.span, fix: "install \(DictionaryTypes.provider(n.type)), or use a type `postconf -m` lists"))
            case .dynamicmaps(let registry) where DictionaryTypes.dynamic.contains(n.type):
                out.add(Self.diagnostic("`\(n.type)` is not registered in `\(registry)`: this Postfix cannot open `\(n.table)`",
                                        at: n.span, fix: "install \(DictionaryTypes.provider(n.type))"))
            case .dynamicmaps:
                break
            }
        }
        return out.all
    }
}
