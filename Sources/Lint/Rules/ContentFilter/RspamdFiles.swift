import PostfixConfig

/// The few rspamd settings the wiring rules compare with Postfix and clamd, read from the
/// `local.d`/`override.d` files of the rspamd root found beside the Postfix configuration
/// (`companion("rspamd")`). Only plain `key = "value";` lines are understood: that is how the
/// emitted files and rspamd's documentation write them; anything fancier is not judged.
struct RspamdFiles {
    let root: String
    let config: PostfixConfigSet

    init?(_ config: PostfixConfigSet) {
        guard let root = config.companion("rspamd") else { return nil }
        self.root = root
        self.config = config
    }

    /// `override.d` wins over `local.d`, as rspamd's include priorities say.
    func values(_ key: String, in file: String) -> (values: [String], file: String)? {
        for dir in ["override.d", "local.d"] {
            let path = PostfixConfigSet.joinPath(PostfixConfigSet.joinPath(root, dir), file)
            guard let bytes = config.readFile(path) else { continue }
            let found = Self.values(key, String(decoding: bytes, as: UTF8.self))
            if !found.isEmpty { return (found, path) }
        }
        return nil
    }

    /// Every `key = "v";` / `key = v;` value at any depth (single-valued keys in practice).
    static func values(_ key: String, _ text: String) -> [String] {
        var out: [String] = []
        for raw in text.split(separator: "\n") {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            guard line.hasPrefix(key), let eq = line.firstIndex(of: "=") else { continue }
            guard line[line.index(line.startIndex, offsetBy: key.count)..<eq].allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
            var v = line[line.index(after: eq)...].drop { $0 == " " || $0 == "\t" }
            if let semi = v.lastIndex(of: ";") { v = v[..<semi] }
            out.append(String(v).trimming(" \t\"'"))
        }
        return out
    }
}

extension String {
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
