import Diagnostics
import PostfixConfig

/// GW5014: `NotifyClamd` names a clamd.conf other than the linted one.
struct FreshclamNotifyClamdRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5014", name: "freshclam-notify-clamd-path", severity: .warning,
        summary: "freshclam's `NotifyClamd` does not point at the clamd.conf in use",
        rationale: """
        After an update freshclam reads the clamd.conf that `NotifyClamd` names to find clamd's \
        socket and send RELOAD. A path to another file (the Debian path on FreeBSD, an old \
        copy) makes the reload go nowhere: clamd keeps the old signatures until it restarts.
        """,
        triggering: [
            .postfix(mainCf: "", [("clamd.conf", "LocalSocket /var/run/clamav/clamd.sock\n"),
                                  ("freshclam.conf", "↓NotifyClamd /etc/clamd.d/scan.conf\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("clamd.conf", "LocalSocket /var/run/clamav/clamd.sock\n"),
                                  ("freshclam.conf", "NotifyClamd /etc/clamav/clamd.conf\n")]),
            // A copy of /etc: clamav/ beside postfix/, as `gatewayctl build` writes it for debian.
            RuleExample([("postfix/main.cf", ""),
                         ("clamav/clamd.conf", "LocalSocket /var/run/clamav/clamd.sock\n"),
                         ("clamav/freshclam.conf", "NotifyClamd /etc/clamav/clamd.conf\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let fresh = config.clamConf("freshclam.conf"), let o = fresh.option("NotifyClamd"),
              let found = config.companion("clamd.conf") else { return [] }
        let target = PostfixConfigSet.lexicallyNormalized(o.value)
        guard target.hasPrefix("/") else { return [] }  // `yes`: the compiled-in default path
        let clamdPath = PostfixConfigSet.lexicallyNormalized(found)
        // The linted tree is a copy of some directory of the real host: of / (`out/etc/clamav/
        // clamd.conf` for /etc/clamav/clamd.conf), of /etc (`copy/clamav/clamd.conf`), or a flat
        // folder (`dir/clamd.conf`). It matches when the target ends with the file's path below
        // the linted root, or the file's path ends with the target.
        if clamdPath.hasSuffix(target) { return [] }
        let root = PostfixConfigSet.lexicallyNormalized(config.root.isEmpty ? "." : config.root)
        var below = clamdPath
        for base in [root, PostfixConfigSet.lexicallyNormalized(root + "/..")] where clamdPath.hasPrefix(base + "/") {
            below = String(clamdPath.dropFirst(base.count + 1))
            if target.hasSuffix("/" + below) { return [] }
        }
        if !below.contains("/"), target.hasSuffix("/" + below) { return [] }
        return [Self.diagnostic("`NotifyClamd \(target)` is not the clamd.conf in use (`\(clamdPath)`): clamd is never told to reload",
                                at: o.nameSpan, fix: "set `NotifyClamd` to the path of clamd's configuration file")]
    }
}
