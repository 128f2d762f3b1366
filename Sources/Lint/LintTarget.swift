import FileLayer
import FoundationEssentials
import PostfixConfig
import ConfigModel

/// Turns `gatewayctl lint PATH...` arguments into configurations: a directory is searched for
/// main.cf (itself, `postfix/`, `etc/postfix/`, `usr/local/etc/postfix/`, Zimbra's
/// `opt/zimbra/common/conf/`) and for ClamAV and
/// amavis files beside it; a file is linted with its directory (main.cf, master.cf) or on its
/// own (clamd.conf, freshclam.conf, a map source).
public enum LintTarget {
    public struct Result {
        public var configs: [PostfixConfigSet] = []
        /// Paths that could not be read at all (exit status 2).
        public var unreadable: [String] = []
        /// Directories holding nothing gatewayctl lints (no main.cf, master.cf, ClamAV or
        /// amavis file): almost always a wrong path (exit status 2).
        public var empty: [String] = []
    }

    static let postfixDirs = ["", "postfix", "etc/postfix", "usr/local/etc/postfix", "opt/zimbra/common/conf"]
    static let clamDirs = ["", "clamav", "etc/clamav", "usr/local/etc", "usr/local/etc/clamav", "../clamav"]
    /// rspamd's configuration root (the directory holding local.d).
    static let rspamdDirs = ["rspamd", "etc/rspamd", "usr/local/etc/rspamd", "../rspamd"]
    static let amavisDirs = ["amavis/conf.d", "etc/amavis/conf.d", "usr/local/etc/amavisd.conf", "amavisd.conf", "../amavis/conf.d"]
    /// Other files beside Postfix's, by role: policyd-weight's overrides, and the system's
    /// group file when the linted tree is a live system (`lint /` or /etc/postfix).
    static let otherCompanions: [(role: String, paths: [String])] = [
        ("policyd-weight.conf", ["policyd-weight.conf", "etc/policyd-weight.conf", "usr/local/etc/policyd-weight.conf",
                                 "../policyd-weight.conf"]),
        ("group", ["etc/group", "../group"]),
    ]

    public static func resolve(_ paths: [String], version: PostfixVersion?) -> Result {
        var result = Result()
        var byRoot: [String: PostfixConfigSet] = [:]
        var order: [String] = []
        let fm = FileManager.default
        func add(_ c: PostfixConfigSet) {
            if byRoot[c.root] == nil { order.append(c.root); byRoot[c.root] = c }
            else if var existing = byRoot[c.root] {
                for (k, v) in c.companions { existing.companions[k] = existing.companions[k].map { $0 + "\n" + v } ?? v }
                byRoot[c.root] = existing
            }
        }
        for path in paths {
            var isDir = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), fm.isReadableFile(atPath: path) else {
                result.unreadable.append(path)
                continue
            }
            if isDir {
                guard var c = load(directory: path, version: version) else { result.unreadable.append(path); continue }
                for d in clamDirs {
                    for f in ["clamd.conf", "freshclam.conf"] where c.companions[f] == nil {
                        let p = PostfixConfigSet.joinPath(PostfixConfigSet.joinPath(path, d), f)
                        if fm.fileExists(atPath: p) { c.companions[f] = p }
                    }
                }
                if path.hasSuffix("conf.d") || path.hasSuffix("conf.d/") { c.companions["amavis"] = path }
                for d in amavisDirs where c.companions["amavis"] == nil {
                    let p = PostfixConfigSet.joinPath(path, d)
                    if fm.fileExists(atPath: p) { c.companions["amavis"] = p }
                }
                for (role, candidates) in otherCompanions {
                    for d in candidates where c.companions[role] == nil {
                        let p = PostfixConfigSet.joinPath(path, d)
                        if fm.fileExists(atPath: p) { c.companions[role] = p }
                    }
                }
                for d in rspamdDirs where c.companions["rspamd"] == nil {
                    let p = PostfixConfigSet.joinPath(path, d)
                    if fm.fileExists(atPath: PostfixConfigSet.joinPath(p, "local.d")) { c.companions["rspamd"] = p }
                }
                guard c.hasMainCf || c.masterCf != nil || !c.companions.isEmpty else {
                    result.empty.append(path)
                    continue
                }
                add(c)
                continue
            }
            let (dir, name) = Self.splitPath(path)
            let root = dir.isEmpty ? "." : dir
            switch name {
            case _ where name.hasPrefix("main.cf") || name.hasPrefix("master.cf"):
                // A named main.cf (or main.cf.dist) with the master.cf beside it, or the reverse.
                let isMain = name.hasPrefix("main.cf")
                let mainPath = isMain ? path : PostfixConfigSet.joinPath(root, "main.cf")
                let masterPath = isMain ? PostfixConfigSet.joinPath(root, "master.cf") : path
                guard let mainBytes = (try? FileLayer.read(mainPath)) ?? (isMain ? nil : []) else {
                    result.unreadable.append(path)
                    continue
                }
                let master = (try? FileLayer.read(masterPath)).map { MasterCf(file: masterPath, bytes: $0) }
                let mainCf = MainCf(file: mainPath, bytes: mainBytes)
                var c = PostfixConfigSet(root: root, mainCf: mainCf, masterCf: master,
                                         version: version ?? mainCf.impliedVersion ?? PostfixVersion(3, 7))
                c.hasMainCf = isMain || fm.fileExists(atPath: mainPath)
                add(c)
            default:
                var c = PostfixConfigSet(root: root, mainCf: MainCf(file: PostfixConfigSet.joinPath(root, "main.cf"), text: ""),
                                         version: version ?? PostfixVersion(3, 7))
                c.hasMainCf = false
                if name.hasPrefix("clamd.conf") { c.companions["clamd.conf"] = path }
                else if name.hasPrefix("freshclam.conf") { c.companions["freshclam.conf"] = path }
                else if name.hasPrefix("amavisd") || dir.hasSuffix("conf.d") { c.companions["amavis"] = path }
                else if name.hasPrefix("policyd-weight.conf") { c.companions["policyd-weight.conf"] = path }
                else { c.companions["map"] = path }
                add(c)
            }
        }
        result.configs = order.compactMap { byRoot[$0] }
        return result
    }

    /// The Postfix config under `directory`, or a config without main.cf when there is none.
    /// NSString's `deletingLastPathComponent` and `lastPathComponent`: trailing slashes do not
    /// count, a bare name has the directory "", a top-level one "/".
    static func splitPath(_ path: String) -> (dir: String, name: String) {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return ("", String(p)) }
        var dir = p[..<slash]
        while dir.count > 1, dir.hasSuffix("/") { dir = dir.dropLast() }
        let name = p[p.index(after: slash)...]
        return (dir.isEmpty ? "/" : String(dir), name.isEmpty ? "/" : String(name))
    }

    static func load(directory: String, version: PostfixVersion?) -> PostfixConfigSet? {
        let fm = FileManager.default
        for sub in postfixDirs {
            let dir = sub.isEmpty ? directory : PostfixConfigSet.joinPath(directory, sub)
            if fm.fileExists(atPath: PostfixConfigSet.joinPath(dir, "main.cf")) {
                return try? PostfixConfigSet.load(directory: dir, version: version)
            }
            if fm.fileExists(atPath: PostfixConfigSet.joinPath(dir, "master.cf")) {
                let master = (try? FileLayer.read(PostfixConfigSet.joinPath(dir, "master.cf"))).map {
                    MasterCf(file: PostfixConfigSet.joinPath(dir, "master.cf"), bytes: $0)
                }
                var c = PostfixConfigSet(root: dir, mainCf: MainCf(file: PostfixConfigSet.joinPath(dir, "main.cf"), text: ""),
                                         masterCf: master, version: version ?? PostfixVersion(3, 7))
                c.hasMainCf = false
                return c
            }
        }
        var c = PostfixConfigSet(root: directory, mainCf: MainCf(file: PostfixConfigSet.joinPath(directory, "main.cf"), text: ""),
                                 version: version ?? PostfixVersion(3, 7))
        c.hasMainCf = false
        return c
    }
}

extension PostfixConfigSet {
    /// What a lint run read for this configuration, for the summary line:
    /// `etc-postfix (main.cf, master.cf, 3 tables)`, `dir (master.cf; no main.cf)`,
    /// `etc/clamav/clamd.conf`.
    public var lintedSummary: [String] {
        var out: [String] = []
        var postfix: [String] = []
        if hasMainCf { postfix.append("main.cf") }
        if masterCf != nil { postfix.append("master.cf") }
        if hasMainCf {
            let read = referencedTables.filter {
                switch $0.1.kind { case .opaque: false; default: true }
            }.count
            if read > 0 { postfix.append("\(read) table\(read == 1 ? "" : "s")") }
        }
        if !postfix.isEmpty {
            out.append("\(root.isEmpty ? "." : root) (\(postfix.joined(separator: ", "))\(hasMainCf ? "" : "; no main.cf"))")
        }
        for role in ["clamd.conf", "freshclam.conf", "amavis", "policyd-weight.conf", "group"] {
            if let p = companions[role] { out.append(p) }
        }
        if let maps = companions["map"] { out += maps.split(separator: "\n").map(String.init) }
        return out
    }
}
