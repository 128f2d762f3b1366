import Diagnostics
import PostfixConfig

/// GW6030: postscreen's cache outside data_directory.
struct PostscreenCachePathRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW6030", name: "postscreen-cache-outside-data-directory", severity: .warning,
        summary: "`postscreen_cache_map` is not under `data_directory`",
        rationale: """
        postscreen writes its cache as the `postfix` user, and `data_directory` is the directory \
        the package makes writable for it (Debian `/var/lib/postfix`, FreeBSD \
        `/var/db/postfix`). A cache elsewhere, often a path copied from the other platform, \
        is a directory that does not exist or is not writable: postscreen cannot open it and \
        fails at its first connection. Write `btree:$data_directory/postscreen_cache`.
        """,
        triggering: [
            .postfix(mainCf: "data_directory = /var/lib/postfix\npostscreen_cache_map = ↓btree:/var/db/postfix/postscreen_cache\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "postscreen_cache_map = btree:$data_directory/postscreen_cache\n"),
            .postfix(mainCf: "postscreen_cache_map = proxy:btree:$data_directory/postscreen_cache\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        var out = DiagnosticSet()
        let scopes = [config.parameters(for: nil)] + PostscreenSupport.services(config).map { config.parameters(for: $0) }
        for scope in scopes where scope.isExplicit("postscreen_cache_map") {
            var table = Substring(scope.value("postscreen_cache_map"))
            if table.hasPrefix("proxy:") { table = table.dropFirst("proxy:".count) }
            guard let colon = table.firstIndex(of: ":"), ["btree", "hash", "lmdb", "cdb"].contains(table[..<colon]) else { continue }
            let path = PostfixConfigSet.lexicallyNormalized(String(table[table.index(after: colon)...]))
            let dataDir = PostfixConfigSet.lexicallyNormalized(scope.value("data_directory"))
            guard !dataDir.isEmpty, !path.hasPrefix(dataDir + "/") else { continue }
            out.add(Self.diagnostic("postscreen's cache `\(path)` is not under data_directory `\(dataDir)`, the directory postfix may write",
                                    at: scope.origin("postscreen_cache_map")?.valueSpan ?? scope.anchor("postscreen_cache_map"),
                                    fix: "write `\(table[..<colon]):$data_directory/postscreen_cache`"))
        }
        return out.all
    }
}
