import ConfigModel

/// Where each daemon reads its configuration on a platform: FreeBSD ports install under
/// /usr/local/etc (the tutorial's jails), Debian packages under /etc. All paths absolute.
public struct PlatformPaths: Equatable, Sendable {
    public var postfixConfig: String
    public var clamdConf: String
    public var freshclamConf: String
    public var clamavDatabase: String
    public var clamavLogDir: String
    /// clamd's log file name in `clamavLogDir` (the one the package's log rotation knows).
    public var clamdLogName: String
    public var clamavRunDir: String
    /// Where clamd's local socket is: Debian's clamav-daemon.socket listens on clamd.ctl (under
    /// socket activation clamd never creates another); the FreeBSD port uses clamd.sock.
    public var clamdSocket: String
    /// The package's users and groups: clamd runs as `clamavUser`; amavis as `amavisUser`, and
    /// clamd must be in `amavisGroup` to read the files amavis hands it.
    public var clamavUser: String
    public var amavisUser: String
    public var amavisGroup: String
    /// amavis's home, work and quarantine directories as the package creates them.
    public var amavisHome: String
    public var amavisQuarantine: String
    /// amavisd.conf on FreeBSD; the conf.d snippet that overrides the packaged defaults on Debian.
    public var amavisConf: String
    public var spamassassinLocalCf: String
    public var policydWeightConf: String
    /// Debian's /etc/default/postgrey; nil where rc.conf carries postgrey's flags.
    public var postgreyDefaults: String?
    /// FreeBSD rc.conf.local (sourced by rc.conf); nil where the packages enable themselves.
    public var rcConf: String?
    /// Postfix's compiled-in program and data paths that main.cf must state on this platform;
    /// empty where the package's compiled-in defaults are right (both platforms today: the
    /// FreeBSD port moved paths since 2011, and pinning them in main.cf broke newaliases).
    public var postfixDirectories: [Setting]
    /// The packet-filter snippet and the host-setup script gatewayctl writes (not read by any
    /// daemon: the admin loads and runs them, see the README's "Deploying").
    public var packetFilter: String
    public var hostSetup: String

    /// One `name = value` line.
    public struct Setting: Equatable, Sendable {
        public var name: String
        public var value: String
        init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public static func forPlatform(_ platform: Platform) -> PlatformPaths {
        switch platform {
        case .freebsd:
            PlatformPaths(
                postfixConfig: "/usr/local/etc/postfix",
                clamdConf: "/usr/local/etc/clamd.conf",
                freshclamConf: "/usr/local/etc/freshclam.conf",
                clamavDatabase: "/var/db/clamav",
                clamavLogDir: "/var/log/clamav",
                clamdLogName: "clamd.log",
                clamavRunDir: "/var/run/clamav",
                clamdSocket: "/var/run/clamav/clamd.sock",
                clamavUser: "clamav",
                amavisUser: "vscan",
                amavisGroup: "vscan",
                amavisHome: "/var/amavis",
                amavisQuarantine: "/var/virusmails",
                amavisConf: "/usr/local/etc/amavisd.conf",
                spamassassinLocalCf: "/usr/local/etc/mail/spamassassin/local.cf",
                policydWeightConf: "/usr/local/etc/policyd-weight.conf",
                postgreyDefaults: nil,
                rcConf: "/etc/rc.conf.local",
                postfixDirectories: [],
                packetFilter: "/usr/local/etc/gatewayctl/pf.anchor",
                hostSetup: "/usr/local/etc/gatewayctl/host-setup.sh",
                foreignPrefixes: ["/var/lib/", "/run/", "/etc/clamav/", "/etc/amavis/"])
        case .debian:
            PlatformPaths(
                postfixConfig: "/etc/postfix",
                clamdConf: "/etc/clamav/clamd.conf",
                freshclamConf: "/etc/clamav/freshclam.conf",
                clamavDatabase: "/var/lib/clamav",
                clamavLogDir: "/var/log/clamav",
                clamdLogName: "clamav.log",
                clamavRunDir: "/run/clamav",
                clamdSocket: "/run/clamav/clamd.ctl",
                clamavUser: "clamav",
                amavisUser: "amavis",
                amavisGroup: "amavis",
                amavisHome: "/var/lib/amavis",
                amavisQuarantine: "/var/lib/amavis/virusmails",
                amavisConf: "/etc/amavis/conf.d/50-user",
                spamassassinLocalCf: "/etc/spamassassin/local.cf",
                policydWeightConf: "/etc/policyd-weight.conf",
                postgreyDefaults: "/etc/default/postgrey",
                rcConf: nil,
                postfixDirectories: [],
                packetFilter: "/etc/gatewayctl/gateway.nft",
                hostSetup: "/etc/gatewayctl/host-setup.sh",
                foreignPrefixes: ["/usr/local/", "/var/db/"])
        }
    }

    /// Path prefixes that belong to the OTHER platform's layout: an explicit gateway.conf path
    /// under one of them is a finding (a FreeBSD path in a Debian build, or the reverse).
    public var foreignPrefixes: [String]

    /// A file in the Postfix configuration directory.
    public func postfix(_ name: String) -> String { postfixConfig + "/" + name }
}
