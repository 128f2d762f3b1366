import FoundationEssentials
import PostfixConfig

/// What the TLS rules share: whether a scope turns server TLS on, and which files it names.
enum TLSSupport {
    /// The server TLS level in effect: `smtpd_tls_security_level`, else the legacy booleans.
    static func serverLevel(_ scope: ParameterScope) -> String {
        let level = scope.value("smtpd_tls_security_level").lowercased()
        if !level.isEmpty { return level }
        if scope.bool("smtpd_enforce_tls") { return "encrypt" }
        return scope.bool("smtpd_use_tls") ? "may" : "none"
    }

    /// True when the files of this configuration are the running system's own: the linted
    /// directory is the `config_directory` it names (a copy from another machine names paths
    /// that are not here, so nothing can be said about them).
    static func isLive(_ config: PostfixConfigSet, _ scope: ParameterScope) -> Bool {
        guard !config.root.isEmpty else { return false }
        var configDir = scope.value("config_directory")
        if configDir.isEmpty { configDir = "/etc/postfix" }
        let a = URL(fileURLWithPath: config.root).resolvingSymlinksInPath().path
        let b = URL(fileURLWithPath: configDir).resolvingSymlinksInPath().path
        return a == b
    }

    /// The local path of a TLS file when something can be said about it: inside the linted
    /// directory, or anywhere on a live system; nil otherwise.
    static func checkablePath(_ path: String, _ config: PostfixConfigSet, _ scope: ParameterScope) -> String? {
        let local = config.localPath(path, in: scope)
        if local != path || isLive(config, scope) { return local }
        return nil
    }
}
