/// GW5014: `NotifyClamd` names a clamd.conf other than the linted one.
public struct FreshclamNotifyClamdRule: PostfixRule {
    public init() {}
    public static let description = RuleDescription(
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
        ])

    public func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let fresh = config.clamConf("freshclam.conf"), let o = fresh.option("NotifyClamd"),
              let clamdPath = config.companion("clamd.conf") else { return [] }
        let target = o.value
        guard target.hasPrefix("/") else { return [] }  // `yes`: the compiled-in default path
        // A linted tree that mirrors / holds the file at the same path below its root; a flat
        // directory can only be compared by file name.
        let name = target.split(separator: "/").last.map(String.init) ?? target
        if clamdPath.hasSuffix(target) { return [] }
        let flat = !clamdPath.dropLast(name.count + 1).contains { $0 == "/" }
            || clamdPath == PostfixConfigSet.joinPath(config.root, name)
        if flat, clamdPath.hasSuffix("/" + name) || clamdPath == name { return [] }
        return [Self.diagnostic("`NotifyClamd \(target)` is not the clamd.conf in use (`\(clamdPath)`): clamd is never told to reload",
                                at: o.nameSpan, fix: "set `NotifyClamd` to the path of clamd's configuration file")]
    }
}
