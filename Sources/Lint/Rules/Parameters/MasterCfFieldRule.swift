import Diagnostics
import PostfixConfig

/// GW3010: master.cf entries whose fields Postfix's master rejects.
struct MasterCfFieldRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: PostfixSyntaxFinding.masterCfFields.id, name: PostfixSyntaxFinding.masterCfFields.name,
        severity: PostfixSyntaxFinding.masterCfFields.severity,
        summary: "a master.cf service entry with missing or invalid fields",
        rationale: """
        master(8) reads 8 fields per service: name, type (`inet`, `unix`, `unix-dgram`, `fifo`, \
        `pass`), private, unpriv and chroot (`y`, `n` or `-`), wakeup (digits, optionally ending \
        in `?`, or `-`), maxproc (digits or `-`) and the command. A bad field makes `postfix \
        start` fail with a fatal error, so no mail flows at all.
        """,
        triggering: [
            .postfix(mainCf: "", [("master.cf", "smtp inet n - ↓yes - - smtpd\n")]),
            .postfix(mainCf: "", [("master.cf", "↓smtp inet n - n -\n")]),
            .postfix(mainCf: "", [("master.cf", "smtp ↓tcp n - n - - smtpd\n")]),
            // postconf: `missing attribute name`.
            .postfix(mainCf: "", [("master.cf", "smtp inet n - n - - smtpd\n  ↓-o { = x }\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("master.cf", "smtp inet n - y - - smtpd\npickup unix n - y 60 1 pickup\nqmgr unix n - n 300? 1 qmgr\n")]),
            // Everything after `argv=` is the command's: `-oi` is sendmail's option, not `-o i`.
            .postfix(mainCf: "", [("master.cf", """
            smtp inet n - y - - smtpd
              -o content_filter=spamassassin
            spamassassin unix - n n - - pipe
              user=debian-spamd argv=/usr/bin/spamc -f -e /usr/sbin/sendmail -oi -f ${sender} ${recipient}
            """)]),
        ])

    static let types: Set<String> = ["inet", "unix", "unix-dgram", "fifo", "pass"]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let master = config.masterCf else { return [] }
        var out = master.diagnostics.filter { $0.id == Self.description.id }
        for s in master.services where s.fieldSpans.count >= 8 {
            if !Self.types.contains(s.type) {
                out.append(Self.diagnostic("unknown service type `\(s.type)`", at: s.fieldSpans[1],
                                           fix: "use one of `inet`, `unix`, `unix-dgram`, `fifo`, `pass`"))
            }
            for (k, label) in [(2, "private"), (3, "unpriv"), (4, "chroot")] {
                let v = [s.private, s.unprivileged, s.chroot][k - 2]
                if !["y", "n", "-"].contains(v) {
                    out.append(Self.diagnostic("the \(label) field is `\(v)`; master.cf accepts `y`, `n` or `-`",
                                               at: s.fieldSpans[k], fix: "write `y`, `n` or `-`"))
                }
            }
            var wake = Substring(s.wakeup)
            if wake.hasSuffix("?") { wake = wake.dropLast() }
            if s.wakeup != "-", wake.isEmpty || !wake.allSatisfy({ $0.isASCII && $0.isNumber }) {
                out.append(Self.diagnostic("the wakeup field is `\(s.wakeup)`; expected seconds, seconds followed by `?`, or `-`",
                                           at: s.fieldSpans[5], fix: "write a number of seconds or `-`"))
            }
            if s.maxproc != "-", s.maxproc.isEmpty || !s.maxproc.allSatisfy({ $0.isASCII && $0.isNumber }) {
                out.append(Self.diagnostic("the maxproc field is `\(s.maxproc)`; expected a number or `-`",
                                           at: s.fieldSpans[6], fix: "write a process limit or `-`"))
            }
        }
        return out
    }
}
