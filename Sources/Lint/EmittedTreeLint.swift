import Diagnostics
import PostfixConfig
import ConfigModel
import GatewayCompiler

/// `gatewayctl check` runs the Postfix rules on the files the gateway compiles to: the proof
/// that the emitted gateway is not an open relay comes from the same analysis `lint` uses.
extension PostfixLinter {
    /// The emitted tree as a configuration held in memory (maps are sources: no .db yet).
    public static func configuration(of tree: EmittedTree, version: PostfixVersion) -> PostfixConfigSet? {
        guard let main = tree.files.first(where: { $0.path.hasSuffix("postfix/main.cf") }) else { return nil }
        let dir = String(main.absolutePath.dropLast("/main.cf".count))
        let master = tree.file(absolute: dir + "/master.cf")
        var files: [String: [UInt8]] = [:]
        var companions: [String: String] = [:]
        for f in tree.files {
            let bytes = Array(f.contents.utf8)
            files[f.absolutePath] = bytes
            // Paths under the emitted config_directory are also reachable by their short name,
            // as `localPath` maps them for a configuration without a root directory.
            if f.absolutePath.hasPrefix(dir + "/") { files[String(f.absolutePath.dropFirst(dir.count + 1))] = bytes }
            let name = f.absolutePath.split(separator: "/").last.map(String.init) ?? ""
            if name == "clamd.conf" || name == "freshclam.conf" || name == "policyd-weight.conf" { companions[name] = f.absolutePath }
            if name == "amavisd.conf" || f.absolutePath.hasSuffix("/amavis/conf.d/50-user") { companions["amavis"] = f.absolutePath }
        }
        var config = PostfixConfigSet(mainCf: MainCf(file: main.absolutePath, text: main.contents),
                                      masterCf: master.map { MasterCf(file: $0.absolutePath, text: $0.contents) },
                                      version: version, memoryFiles: files)
        config.companions = companions
        return config
    }

    /// The rules that judge what the compiler produced (is it open, does it start, does Postfix
    /// know every name); rules about the admin's own input already ran on gateway.conf.
    public static let emittedTreeRules: [any PostfixRule] = [
        OpenRelayRule(), RelayGuardMissingRule(), PolicyBeforeGuardRule(), UnknownRestrictionRule(),
        UnknownParameterRule(), PostfixSyntaxRule(), DuplicateParameterRule(), MasterCfFieldRule(),
        // The stock-install defects: a build must never emit them.
        ContentFilterFailsOpenRule(), ClamdTCPUnusedRule(), CostBeforeUnlistedRecipientRule(),
        PolicydWeightDNSBLRule(), AmavisAdminRouteRule(), PlatformPathMismatchRule(),
    ]

    public static func lint(emitted tree: EmittedTree, version: PostfixVersion) -> [Diagnostic] {
        configuration(of: tree, version: version).map { lint($0, rules: emittedTreeRules) } ?? []
    }
}
