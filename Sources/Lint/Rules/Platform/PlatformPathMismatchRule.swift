import Diagnostics
import PostfixConfig

/// GW6002: a file of one platform's layout names another platform's paths.
struct PlatformPathMismatchRule: PostfixRule {
    init() {}
    /// A build must never emit what this rule reports.
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW6002", name: "platform-path-mismatch", severity: .error,
        summary: "a configuration file names paths of another platform's packages",
        rationale: """
        Where a file lives tells which packages read it: /etc/clamav/clamd.conf is Debian's \
        clamav-daemon, /usr/local/etc/clamd.conf the FreeBSD port, /usr/local/etc/postfix the \
        port's Postfix. Debian keeps ClamAV's signatures in /var/lib/clamav (clamd fails \
        `cl_load(): No such file or directory` on /var/db/clamav) and its clamav-daemon.socket \
        listens on /run/clamav/clamd.ctl: under socket activation clamd never creates another \
        socket, so amavis cannot connect. The FreeBSD port installs Postfix under /usr/local; \
        main.cf paths into the base system (/usr/bin/newaliases) run the wrong program or none.
        """,
        triggering: [
            .postfix(mainCf: "", [("etc/clamav/clamd.conf", "DatabaseDirectory ↓/var/db/clamav\nLocalSocket /run/clamav/clamd.ctl\n")]),
            .postfix(mainCf: "", [("etc/clamav/clamd.conf", "LocalSocket ↓/var/run/clamav/clamd.sock\n")]),
            .postfix(mainCf: "", [("usr/local/etc/clamd.conf", "DatabaseDirectory ↓/var/lib/clamav\n")]),
            RuleExample([("usr/local/etc/postfix/main.cf", "↓newaliases_path = /usr/bin/newaliases\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("etc/clamav/clamd.conf", "DatabaseDirectory /var/lib/clamav\nLocalSocket /run/clamav/clamd.ctl\n")]),
            .postfix(mainCf: "", [("usr/local/etc/clamd.conf", "DatabaseDirectory /var/db/clamav\nLocalSocket /var/run/clamav/clamd.sock\n")]),
            RuleExample([("usr/local/etc/postfix/main.cf", "myhostname = spam.example.com\n")]),
        ])

    enum Layout { case debian, freebsd }

    static func layout(of path: String) -> Layout? {
        if path.contains("usr/local/etc/") { return .freebsd }
        if path.contains("etc/clamav/") || path.contains("etc/postfix/") || path.hasPrefix("/etc/") { return .debian }
        return nil
    }

    /// Path prefixes that belong to the other layout's packages.
    static func foreign(_ value: String, in layout: Layout) -> Bool {
        switch layout {
        case .debian: value.hasPrefix("/usr/local/") || value.hasPrefix("/var/db/")
        case .freebsd: value.hasPrefix("/var/lib/") || value.hasPrefix("/run/") || value.hasPrefix("/etc/clamav/")
            || value.hasPrefix("/usr/bin/") || value.hasPrefix("/usr/sbin/") || value.hasPrefix("/usr/lib/")
            || value.hasPrefix("/etc/postfix")
        }
    }

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if let clamd = config.clamConf("clamd.conf"), let layout = Self.layout(of: clamd.file) {
            for name in ["DatabaseDirectory", "LocalSocket", "PidFile", "LogFile"] {
                guard let o = clamd.option(name) else { continue }
                if Self.foreign(o.value, in: layout) {
                    out.append(Self.diagnostic("`\(name) \(o.value)` is another platform's path in \(layout == .debian ? "Debian's" : "the FreeBSD port's") clamd.conf",
                                               at: o.valueSpan, fix: layout == .debian ? "use Debian's `/var/lib/clamav` and `/run/clamav`" : "use the port's `/var/db/clamav` and `/var/run/clamav`"))
                } else if name == "LocalSocket", layout == .debian,
                          !["/run/clamav/clamd.ctl", "/var/run/clamav/clamd.ctl"].contains(o.value) {
                    out.append(Self.diagnostic("Debian's clamav-daemon.socket listens on `/run/clamav/clamd.ctl`; under socket activation clamd never creates `\(o.value)`",
                                               at: o.valueSpan, fix: "use `LocalSocket /run/clamav/clamd.ctl` (and the same path in amavis)",
                                               severity: .warning))
                }
            }
        }
        if config.hasMainCf, let layout = Self.layout(of: config.mainCf.file) {
            for p in config.mainCf.parameters.values.sorted(by: { $0.name < $1.name })
            where p.name.hasSuffix("_directory") || p.name.hasSuffix("_path") {
                let v = p.value
                guard v.hasPrefix("/"), Self.foreign(v, in: layout) else { continue }
                // A warning: on FreeBSD the base system's /usr/bin/newaliases still reaches Postfix
                // when /etc/mail/mailer.conf says so.
                out.append(Self.diagnostic("`\(p.name) = \(v)` points into another layout than \(layout == .freebsd ? "the port's" : "the package's"); its compiled-in default is right",
                                           at: p.nameSpan, fix: "remove `\(p.name)` from main.cf", severity: .warning))
            }
        }
        return out
    }
}
