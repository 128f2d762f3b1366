import ConfigModel

/// Where each daemon reads its configuration on a platform: FreeBSD ports install under
/// /usr/local/etc (the tutorial's jails), Debian packages under /etc. All paths absolute.
public struct PlatformPaths: Equatable, Sendable {
    public var postfixConfig: String
    public var clamdConf: String
    public var freshclamConf: String
    public var clamavDatabase: String
    public var clamavLogDir: String
    public var clamavRunDir: String
    /// amavisd.conf on FreeBSD; the conf.d snippet that overrides the packaged defaults on Debian.
    public var amavisConf: String
    public var spamassassinLocalCf: String
    public var policydWeightConf: String
    /// Debian's /etc/default/postgrey; nil where rc.conf carries postgrey's flags.
    public var postgreyDefaults: String?
    /// FreeBSD rc.conf.local (sourced by rc.conf); nil where the packages enable themselves.
    public var rcConf: String?
    /// Postfix's compiled-in program and data paths that main.cf must state on this platform
    /// (the FreeBSD port's layout, as `postconf -n` shows it); empty where the defaults are right.
    public var postfixDirectories: [Setting]

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
                clamavRunDir: "/var/run/clamav",
                amavisConf: "/usr/local/etc/amavisd.conf",
                spamassassinLocalCf: "/usr/local/etc/mail/spamassassin/local.cf",
                policydWeightConf: "/usr/local/etc/policyd-weight.conf",
                postgreyDefaults: nil,
                rcConf: "/etc/rc.conf.local",
                postfixDirectories: [
                    .init("command_directory", "/usr/local/sbin"),
                    .init("daemon_directory", "/usr/local/libexec/postfix"),
                    .init("data_directory", "/var/db/postfix"),
                    .init("queue_directory", "/var/spool/postfix"),
                    .init("mail_owner", "postfix"),
                    .init("setgid_group", "maildrop"),
                    .init("sendmail_path", "/usr/local/sbin/sendmail"),
                    .init("newaliases_path", "/usr/bin/newaliases"),
                    .init("mailq_path", "/usr/local/bin/mailq"),
                    .init("manpage_directory", "/usr/local/man"),
                    .init("sample_directory", "/usr/local/etc/postfix"),
                    .init("readme_directory", "/usr/local/share/doc/postfix"),
                    .init("html_directory", "/usr/local/share/doc/postfix"),
                ])
        case .debian:
            PlatformPaths(
                postfixConfig: "/etc/postfix",
                clamdConf: "/etc/clamav/clamd.conf",
                freshclamConf: "/etc/clamav/freshclam.conf",
                clamavDatabase: "/var/lib/clamav",
                clamavLogDir: "/var/log/clamav",
                clamavRunDir: "/var/run/clamav",
                amavisConf: "/etc/amavis/conf.d/50-user",
                spamassassinLocalCf: "/etc/spamassassin/local.cf",
                policydWeightConf: "/etc/policyd-weight.conf",
                postgreyDefaults: "/etc/default/postgrey",
                rcConf: nil,
                postfixDirectories: [])
        }
    }

    /// A file in the Postfix configuration directory.
    public func postfix(_ name: String) -> String { postfixConfig + "/" + name }
}
