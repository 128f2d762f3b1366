import Diagnostics
import PostfixConfig

/// GW6003: on a live system, clamd cannot read the files amavis asks it to scan.
struct ScannerGroupRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW6003", name: "scanner-not-in-filter-group", severity: .error,
        summary: "clamd's user is not in amavis's group, so it cannot read the files to scan",
        rationale: """
        amavis unpacks each message into 0750 directories owned by its own user and group and \
        asks clamd to scan them there (`CONTSCAN`). clamd runs as `clamav`; unless that user is \
        in amavis's group (`adduser clamav amavis` on Debian, `pw groupmod vscan -m clamav` on \
        FreeBSD; ClamAV always uses supplementary groups since 0.101), every scan fails with \
        `lstat() failed: Permission denied`. amavis then either tempfails all mail or, with \
        `$virus_scanners_failure_is_fatal` unset, passes viruses unchecked. Checked when the \
        linted tree holds the system's group file (`gatewayctl lint /`, or /etc/postfix with \
        /etc/group beside it).
        """,
        triggering: [
            .postfix(mainCf: "", [("etc/clamav/clamd.conf", "User clamav\n"),
                                  ("etc/amavis/conf.d/50-user", "use strict;\n1;\n"),
                                  ("etc/group", "clamav:x:110:\n↓amavis:x:111:\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("etc/clamav/clamd.conf", "User clamav\n"),
                                  ("etc/amavis/conf.d/50-user", "use strict;\n1;\n"),
                                  ("etc/group", "clamav:x:110:\namavis:x:111:clamav\n")]),
            .postfix(mainCf: "", [("usr/local/etc/clamd.conf", "User clamav\n"),
                                  ("usr/local/etc/amavisd.conf", "$daemon_group = 'vscan';\n"),
                                  ("etc/group", "vscan:*:110:clamav,www\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let groupFile = config.companion("group"), let bytes = config.readFile(groupFile),
              let amavis = AmavisSettings.of(config), let clamd = config.clamConf("clamd.conf") else { return [] }
        let group = amavis.value("daemon_group") ?? (amavis.isDebianConfD ? "amavis" : "vscan")
        let user = clamd.value("User") ?? "clamav"
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let n = lines.firstIndex(where: { $0.split(separator: ":", omittingEmptySubsequences: false).first.map(String.init) == group })
        else { return [] }
        let fields = lines[n].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let members = fields.count > 3 ? fields[3].split(separator: ",").map { $0.trimmingBlanks() } : []
        if members.contains(user) || user == amavis.value("daemon_user") { return [] }
        // The user's primary group counts too (/etc/passwd beside /etc/group).
        if fields.count > 2, let passwd = config.readFile(PostfixConfigSet.joinPath(String(groupFile.dropLast("group".count)), "passwd")) {
            let entry = String(decoding: passwd, as: UTF8.self).split(separator: "\n")
                .map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
                .first { $0.first == user }
            if let entry, entry.count > 3, entry[3] == fields[2] { return [] }
        }
        let fix = amavis.isDebianConfD ? "run `adduser \(user) \(group)` and restart clamd" : "run `pw groupmod \(group) -m \(user)` and restart clamd"
        return [Self.diagnostic("clamd runs as `\(user)`, which is not in amavis's group `\(group)`: it cannot read the files amavis hands it",
                                at: SourceSpan(file: groupFile, line: n + 1, column: 1), fix: fix)]
    }
}
