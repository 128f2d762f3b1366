import FoundationEssentials
import Diagnostics
import FileLayer
import MapBuilder

/// A Postfix configuration as the linter and the simulator read it.
///
/// ## Reading
/// ```swift
/// let config = try PostfixConfigSet.load(directory: "/srv/etc-postfix", version: PostfixVersion(3, 7))
/// // or from memory (tests, `gatewayctl check` on an emitted gateway):
/// let config = PostfixConfigSet(mainCf: MainCf(file: "main.cf", text: mainText),
///                               masterCf: MasterCf(file: "master.cf", text: masterText))
/// config.diagnostics           // syntax findings of main.cf and master.cf (GW3001, GW3002, GW3010)
/// ```
///
/// ## Effective parameters of an smtpd service
/// ```swift
/// for service in config.smtpdServices {            // master.cf entries whose command is smtpd
///     let p = config.parameters(for: service)      // main.cf + that service's `-o` + defaults
///     p.value("smtpd_helo_required")               // expanded text: "yes"
///     p.bool("smtpd_helo_required")                // true
///     p.origin("smtpd_relay_restrictions")         // .override / .mainCf / .builtin
///     for item in p.list("smtpd_relay_restrictions") {
///         item.text                                 // "check_helo_access" (expanded, `{}` kept)
///         item.span                                 // where it is written: main.cf or master.cf
///     }                                             // nil span = a built-in default
///     p.relayListsInOrder                            // the lists that decide relaying, in order
/// }
/// config.parameters(for: nil)                        // main.cf alone (no master.cf service)
/// ```
/// Lookup order is Postfix's: the service's last `-o name=value`, then main.cf's last
/// `name = value`, then the built-in default for `version` (evaluated at the effective
/// `compatibility_level`, e.g. `smtpd_relay_restrictions` is `permit_mynetworks,
/// permit_sasl_authenticated, defer_unauth_destination` from level 1). `$name` inside a value
/// is expanded against the same scope, so a main.cf value that says `$mua_client_restrictions`
/// sees a service's override of `mua_client_restrictions`. A list item that is just `$name`
/// is replaced by the items of `name`, keeping THEIR spans.
///
/// ## Files that values point at
/// `config.localPath("/etc/postfix/helo_access", in: p)` maps a Postfix path to the linted
/// copy: paths under `config_directory` (default `/etc/postfix`) resolve inside `root`.
/// `config.readFile(path)` reads such a file (nil when missing).
/// `config.tables.table("hash:/etc/postfix/helo_access", config: config, scope: p, at: span)`
/// gives the table's records with their spans (read once per run, via MapBuilder).
public struct PostfixConfigSet: Sendable {
    /// The linted directory (empty for configurations held in memory).
    public var root: String
    public var mainCf: MainCf
    public var masterCf: MasterCf?
    /// Target Postfix version: decides defaults and which names exist.
    public var version: PostfixVersion
    /// Extra files held in memory by name relative to `root` (examples, emitted gateways).
    public var memoryFiles: [String: [UInt8]]
    /// Files held by a producer instead of their bytes (an emitted relay_recipients of
    /// millions of lines): they exist for every question, and are produced whole only when a
    /// rule reads one.
    public var producedFiles: [String: @Sendable () -> [UInt8]] = [:]
    /// Files linted beside Postfix's, by role: `clamd.conf`, `freshclam.conf`, `amavis` (a
    /// conf.d directory or file), `map` (map sources given on the command line, `\n`-joined).
    public var companions: [String: String] = [:]
    /// False when no main.cf was found (only ClamAV files or maps were given): Postfix rules
    /// then stay silent instead of judging Postfix's defaults.
    public var hasMainCf = true
    /// Lookup tables read so far (shared by copies of this value).
    public let tables = AccessTableCache()

    public init(root: String = "", mainCf: MainCf, masterCf: MasterCf? = nil,
                version: PostfixVersion = PostfixVersion(3, 7), memoryFiles: [String: [UInt8]] = [:]) {
        self.root = root
        self.mainCf = mainCf
        self.masterCf = masterCf
        self.version = version
        self.memoryFiles = memoryFiles
    }

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(String)
        /// Why, in FileLayer's one wording ("cannot read `X`: no such file").
        case failed(FileError)
        public var description: String {
            switch self {
            case .unreadable(let p): "cannot read `\(p)`"
            case .failed(let e): e.description
            }
        }
    }

    /// Reads `directory/main.cf` (required) and `directory/master.cf` (optional). File names in
    /// spans are `directory/main.cf` etc., as given.
    /// `version` nil: the `# gatewayctl: postfix-version=X.Y` comment of main.cf, else its
    /// compatibility_level when above 3.7, else 3.7.
    public static func load(directory: String, version: PostfixVersion? = nil) throws -> PostfixConfigSet {
        let mainPath = joinPath(directory, "main.cf")
        let main: [UInt8]
        do { main = try FileLayer.read(mainPath) } catch { throw LoadError.failed(error) }
        let masterPath = joinPath(directory, "master.cf")
        let master = (try? FileLayer.read(masterPath)).map { MasterCf(file: masterPath, bytes: $0) }
        let mainCf = MainCf(file: mainPath, bytes: main)
        return PostfixConfigSet(root: directory, mainCf: mainCf, masterCf: master,
                                version: version ?? mainCf.impliedVersion ?? PostfixVersion(3, 7))
    }

    /// Syntax findings of main.cf and master.cf.
    public var diagnostics: [Diagnostic] { mainCf.diagnostics + (masterCf?.diagnostics ?? []) }

    /// master.cf services that run smtpd. Without a master.cf, Postfix's stock `smtp inet`
    /// service is assumed (reported as nil service: main.cf alone).
    public var smtpdServices: [MasterService] { masterCf?.services.filter(\.isSMTPServer) ?? [] }

    /// Companion files of the lint run that exist in memory or on disk: the path for a role.
    public func companion(_ role: String) -> String? { companions[role] }

    public func parameters(for service: MasterService?) -> ParameterScope {
        ParameterScope(config: self, service: service)
    }

    /// The linted copy of a Postfix path: `$config_directory/x` (default /etc/postfix) lives in
    /// `root/x`; a relative path is relative to `root`; anything else stays as it is.
    public func localPath(_ path: String, in scope: ParameterScope) -> String {
        var configDir = scope.value("config_directory")
        if configDir.isEmpty { configDir = "/etc/postfix" }
        // A tree in FreeBSD's layout has FreeBSD's compiled-in config_directory.
        if !scope.isExplicit("config_directory"), Self.lexicallyNormalized(root).hasSuffix("usr/local/etc/postfix") {
            configDir = "/usr/local/etc/postfix"
        }
        while configDir.count > 1, configDir.hasSuffix("/") { configDir.removeLast() }
        if path == configDir { return root }
        if path.hasPrefix(configDir + "/") { return Self.joinPath(root, String(path.dropFirst(configDir.count + 1))) }
        if !path.hasPrefix("/") { return Self.joinPath(root, path) }
        return path
    }

    /// True when a local path (from `localPath`) lies in the linted tree or is held in memory.
    /// Lint reads only those: a path outside config_directory (`/etc/aliases`,
    /// `pcre:/etc/passwd`) names a file of the server, not of the machine running lint.
    public func isInLintedTree(_ localPath: String) -> Bool {
        if memoryFiles[localPath] != nil || producedFiles[localPath] != nil { return true }
        guard !root.isEmpty else { return false }
        let r = Self.lexicallyNormalized(root), p = Self.lexicallyNormalized(localPath)
        return p == r || p.hasPrefix(r == "/" ? "/" : r + "/") || (r == "." && !p.hasPrefix("/") && !p.hasPrefix(".."))
    }

    /// The bytes of a file named by a local path, from memory or disk; nil when missing.
    public func readFile(_ localPath: String) -> [UInt8]? {
        if let m = memoryFiles[localPath] { return m }
        if let produce = producedFiles[localPath] { return produce() }
        if root.isEmpty { return nil }
        return try? FileLayer.read(localPath)
    }

    /// True when the file exists (in memory or on disk).
    public func fileExists(_ localPath: String) -> Bool {
        memoryFiles[localPath] != nil || producedFiles[localPath] != nil || (!root.isEmpty && FileManager.default.fileExists(atPath: localPath))
    }

    public static func joinPath(_ dir: String, _ name: String) -> String {
        if dir.isEmpty { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// `a/b/../c/./d` -> `a/c/d`, by text alone: for comparing paths a linted tree names, not
    /// for opening files (a symlinked directory would make `..` lie).
    public static func lexicallyNormalized(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if p == "..", path.hasPrefix("/") { continue }  // `/..` is `/`
            parts.append(p)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
