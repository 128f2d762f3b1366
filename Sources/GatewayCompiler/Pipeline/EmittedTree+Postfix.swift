import PostfixConfig

extension EmittedTree {
    /// The emitted tree as a Postfix configuration held in memory (maps are sources: no .db
    /// yet), parsed once per compilation: lint and simulate both read this value.
    public func postfixConfiguration(version: PostfixVersion) -> PostfixConfigSet? {
        guard let main = files.first(where: { $0.path.hasSuffix("postfix/main.cf") }) else { return nil }
        let dir = String(main.absolutePath.dropLast("/main.cf".count))
        let master = file(absolute: dir + "/master.cf")
        var files: [String: [UInt8]] = [:]
        var produced: [String: @Sendable () -> [UInt8]] = [:]
        var companions: [String: String] = [:]
        for f in self.files {
            // Paths under the emitted config_directory are also reachable by their short name,
            // as `localPath` maps them for a configuration without a root directory.
            let names = [f.absolutePath] + (f.absolutePath.hasPrefix(dir + "/") ? [String(f.absolutePath.dropFirst(dir.count + 1))] : [])
            if let stream = f.stream {
                // Not held: a rule that reads it produces it (none of `check`'s rules does).
                for n in names { produced[n] = { Array(stream.text.utf8) } }
            } else {
                let bytes = Array(f.contents.utf8)
                for n in names { files[n] = bytes }
            }
            let name = f.absolutePath.split(separator: "/").last.map(String.init) ?? ""
            if name == "clamd.conf" || name == "freshclam.conf" || name == "policyd-weight.conf" { companions[name] = f.absolutePath }
            if name == "amavisd.conf" || f.absolutePath.hasSuffix("/amavis/conf.d/50-user") { companions["amavis"] = f.absolutePath }
            if f.absolutePath.hasSuffix("/local.d/worker-proxy.inc") {
                companions["rspamd"] = String(f.absolutePath.dropLast("/local.d/worker-proxy.inc".count))
            }
        }
        var config = PostfixConfigSet(mainCf: MainCf(file: main.absolutePath, text: main.contents),
                                      masterCf: master.map { MasterCf(file: $0.absolutePath, text: $0.contents) },
                                      version: version, memoryFiles: files)
        config.companions = companions
        config.producedFiles = produced
        return config
    }
}
