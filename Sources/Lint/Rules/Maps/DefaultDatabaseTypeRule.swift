import Diagnostics
import PostfixConfig

/// GW4007: indexed tables of a type other than `default_database_type`, which is what
/// `postmap FILE` / `postalias FILE` build when the command names no type.
struct DefaultDatabaseTypeRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW4007", name: "default-database-type-mismatch", severity: .warning,
        summary: "an indexed table's type differs from `default_database_type`, so `postmap FILE` builds the wrong file",
        rationale: """
        `postmap FILE` and `postalias FILE` without a type (as admins, scripts and tools such as \
        mailman run them) build the type `default_database_type` names (`hash` unless main.cf or \
        the build says otherwise). When main.cf names the table with another type, they build a \
        file Postfix never opens: with `default_database_type = lmdb` and `hash:/etc/postfix/access`, \
        `postmap /etc/postfix/access` writes access.lmdb while smtpd keeps answering from the old \
        access.db; hash and btree share the `.db` name, so between them the rebuilt file is of \
        the wrong format and every lookup fails. Reported for every such table when main.cf sets \
        `default_database_type`, and when it does not, for tables of one other type if no table \
        uses the default (a configuration moved to lmdb or cdb without saying so; info, since the \
        compiled-in default differs between builds: Alpine's Postfix defaults to lmdb). Caches follow \
        it only from Postfix 3.11, where `postscreen_cache_map` and `address_verify_map` default \
        to `default_cache_db_type` (lmdb when default_database_type is lmdb, else btree); before \
        3.11 they stay btree, so a configuration moving off Berkeley DB names them itself (info).
        """,
        triggering: [
            .postfix(mainCf: "default_database_type = lmdb\nrelay_recipient_maps = ↓hash:/etc/postfix/relay_recipients\n",
                     [("relay_recipients", "user@example.com OK\n")]),
            .postfix(mainCf: "relay_recipient_maps = ↓lmdb:/etc/postfix/relay_recipients\ntransport_maps = ↓lmdb:/etc/postfix/transport\n",
                     [("relay_recipients", "user@example.com OK\n"), ("transport", "example.com smtp:[192.0.2.1]\n")]),
            .postfix(mainCf: "default_database_type = btree\ntransport_maps = ↓hash:/etc/postfix/transport\n",
                     [("transport", "example.com smtp:[192.0.2.1]\n")]),
            .postfix(mainCf: "# gatewayctl: postfix-version=3.7\ndefault_database_type = ↓lmdb\nrelay_recipient_maps = lmdb:/etc/postfix/relay_recipients\n",
                     [("relay_recipients", "user@example.com OK\n"),
                      ("master.cf", "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "default_database_type = lmdb\nrelay_recipient_maps = lmdb:/etc/postfix/relay_recipients\n",
                     [("relay_recipients", "user@example.com OK\n")]),
            .postfix(mainCf: "relay_recipient_maps = hash:/etc/postfix/relay_recipients\ntransport_maps = cdb:/etc/postfix/transport\n",
                     [("relay_recipients", "user@example.com OK\n"), ("transport", "example.com smtp:[192.0.2.1]\n")]),
            .postfix(mainCf: "default_database_type = lmdb\nrelay_recipient_maps = lmdb:/etc/postfix/relay_recipients\n"
                     + "postscreen_cache_map = lmdb:$data_directory/postscreen_cache\n",
                     [("relay_recipients", "user@example.com OK\n"),
                      ("master.cf", "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\n")]),
        ])

    static let buildable: Set<String> = ["hash", "btree", "lmdb", "cdb", "dbm", "sdbm"]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        let main = config.parameters(for: nil)
        let defaultType = main.value("default_database_type")
        guard !defaultType.isEmpty else { return [] }
        let explicit = main.isExplicit("default_database_type")
        let setting = main.origin("default_database_type")?.valueSpan ?? main.anchor("default_database_type")
        let tables = config.tableReferences.filter { Self.buildable.contains($0.type) }
        var out = DiagnosticSet()
        let others = tables.filter { $0.type != defaultType }
        if explicit || (!tables.isEmpty && others.count == tables.count && Set(others.map(\.type)).count == 1) {
            for t in others {
                let build = t.isAliasTable ? "postalias" : "postmap"
                let path = String(t.reference.drop { $0 != ":" }.dropFirst())
                let sameFile = Self.suffix(t.type) == Self.suffix(defaultType)
                let effect = sameFile
                    ? "rewrites `\(path)\(Self.suffix(t.type))` as \(defaultType), which Postfix cannot open as \(t.type)"
                    : "writes `\(path)\(Self.suffix(defaultType))`, while Postfix keeps reading `\(path)\(Self.suffix(t.type))`"
                let notes = explicit ? [Diagnostic.Note("default_database_type = \(defaultType) is set here", at: setting)] : []
                let message = explicit
                    ? "`\(t.reference)` is \(t.type), but default_database_type is \(defaultType): `\(build) \(path)` \(effect)"
                    : "`\(t.reference)` is \(t.type) and main.cf does not set default_database_type: where this Postfix's "
                      + "default is \(defaultType) (Debian, FreeBSD), `\(build) \(path)` \(effect)"
                // Unset, the default is the build's (Alpine's Postfix defaults to lmdb): info only.
                out.add(Self.diagnostic(message, at: t.span ?? t.scope.anchor(t.parameter), notes: notes,
                                        fix: explicit ? "name the table `\(defaultType):\(path)`, or run `\(build) \(t.type):\(path)` always"
                                                      : "set `default_database_type = \(t.type)`, so main.cf says it whatever the build",
                                        severity: explicit ? nil : .info))
            }
        }
        // Before 3.11 the caches' default stays btree whatever default_database_type says.
        if explicit, ["lmdb", "cdb"].contains(defaultType), config.version < PostfixVersion(3, 11),
           !PostscreenSupport.services(config).isEmpty, !main.isExplicit("postscreen_cache_map") {
            out.add(Self.diagnostic("postscreen's cache stays `\(main.value("postscreen_cache_map"))`: before Postfix 3.11 caches do not follow default_database_type = \(defaultType)",
                                    at: setting, fix: "set `postscreen_cache_map = \(defaultType == "cdb" ? "btree" : "lmdb"):$data_directory/postscreen_cache` if this Postfix has no Berkeley DB",
                                    severity: .info))
        }
        return out.all
    }

    static func suffix(_ type: String) -> String { MapDatabaseStaleRule.suffix[type] ?? "" }
}
