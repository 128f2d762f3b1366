/// Paths in SARIF and GitHub output are relative to a base directory (the repository root):
/// code scanning drops absolute paths and resolves relative ones against the checkout.
public enum RelativePaths {
    /// `path` relative to `base`; `cwd` makes relative inputs absolute first. A path outside
    /// `base` stays absolute (there is no honest relative form for it).
    public static func relative(_ path: String, to base: String, cwd: String) -> String {
        let abs = normalized(path.hasPrefix("/") ? path : cwd + "/" + path)
        let b = normalized(base.hasPrefix("/") ? base : cwd + "/" + base)
        if abs == b { return "." }
        let prefix = b == "/" ? "/" : b + "/"
        return abs.hasPrefix(prefix) ? String(abs.dropFirst(prefix.count)) : abs
    }

    /// Every file of `diagnostics` and their notes made relative to `base`.
    public static func relativize(_ diagnostics: [Diagnostic], to base: String, cwd: String) -> [Diagnostic] {
        diagnostics.map { d in
            var d = d
            d.span.file = relative(d.span.file, to: base, cwd: cwd)
            d.notes = d.notes.map { n in
                var n = n
                if let file = n.span?.file { n.span?.file = relative(file, to: base, cwd: cwd) }
                return n
            }
            return d
        }
    }

    /// `/a/./b/../c` -> `/a/c`, by text (absolute paths only).
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/") {
            if p == "." { continue }
            if p == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(p)
        }
        return "/" + parts.joined(separator: "/")
    }
}
