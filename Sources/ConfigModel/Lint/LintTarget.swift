import Foundation

/// Turns `gatewayctl lint PATH...` arguments into configurations: a directory is searched for
/// main.cf (itself, `postfix/`, `etc/postfix/`, `usr/local/etc/postfix/`) and for ClamAV and
/// amavis files beside it; a file is linted with its directory (main.cf, master.cf) or on its
/// own (clamd.conf, freshclam.conf, a map source).
public enum LintTarget {
    public struct Result {
        public var configs: [PostfixConfigSet] = []
        /// Paths that could not be read at all (exit status 2).
        public var unreadable: [String] = []
    }

    static let postfixDirs = ["", "postfix", "etc/postfix", "usr/local/etc/postfix"]
    static let clamDirs = ["", "clamav", "etc/clamav", "usr/local/etc", "usr/local/etc/clamav", "../clamav"]
    static let amavisDirs = ["amavis/conf.d", "etc/amavis/conf.d", "usr/local/etc/amavisd.conf", "amavisd.conf", "../amavis/conf.d"]

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
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), fm.isReadableFile(atPath: path) else {
                result.unreadable.append(path)
                continue
            }
            if isDir.boolValue {
                guard var c = load(directory: path, version: version) else { result.unreadable.append(path); continue }
                for d in clamDirs {
                    for f in ["clamd.conf", "freshclam.conf"] where c.companions[f] == nil {
                        let p = PostfixConfigSet.joinPath(PostfixConfigSet.joinPath(path, d), f)
                        if fm.fileExists(atPath: p) { c.companions[f] = p }
                    }
                }
                for d in amavisDirs where c.companions["amavis"] == nil {
                    let p = PostfixConfigSet.joinPath(path, d)
                    if fm.fileExists(atPath: p) { c.companions["amavis"] = p }
                }
                add(c)
                continue
            }
            let name = (path as NSString).lastPathComponent
            let dir = (path as NSString).deletingLastPathComponent
            let root = dir.isEmpty ? "." : dir
            switch name {
            case "main.cf", "master.cf":
                guard let c = load(directory: root, version: version) else { result.unreadable.append(path); continue }
                add(c)
            default:
                var c = PostfixConfigSet(root: root, mainCf: MainCf(file: PostfixConfigSet.joinPath(root, "main.cf"), text: ""),
                                         version: version ?? PostfixVersion(3, 7))
                c.hasMainCf = false
                if name == "clamd.conf" || name == "freshclam.conf" { c.companions[name] = path }
                else if name.hasPrefix("amavisd") || dir.hasSuffix("conf.d") { c.companions["amavis"] = path }
                else { c.companions["map"] = path }
                add(c)
            }
        }
        result.configs = order.compactMap { byRoot[$0] }
        return result
    }

    /// The Postfix config under `directory`, or a config without main.cf when there is none.
    static func load(directory: String, version: PostfixVersion?) -> PostfixConfigSet? {
        let fm = FileManager.default
        for sub in postfixDirs {
            let dir = sub.isEmpty ? directory : PostfixConfigSet.joinPath(directory, sub)
            if fm.fileExists(atPath: PostfixConfigSet.joinPath(dir, "main.cf")) {
                return try? PostfixConfigSet.load(directory: dir, version: version)
            }
            if fm.fileExists(atPath: PostfixConfigSet.joinPath(dir, "master.cf")) {
                let master = fm.contents(atPath: PostfixConfigSet.joinPath(dir, "master.cf")).map {
                    MasterCf(file: PostfixConfigSet.joinPath(dir, "master.cf"), bytes: Array($0))
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
