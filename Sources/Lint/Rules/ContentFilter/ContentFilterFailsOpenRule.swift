import Diagnostics
import PostfixConfig

/// GW5007: the content filter delivers mail it could not scan.
struct ContentFilterFailsOpenRule: PostfixRule {
    init() {}
    /// A build must never emit what this rule reports.
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW5007", name: "content-filter-fails-open", severity: .error,
        summary: "the content filter passes mail it could not scan",
        rationale: """
        amavisd-new leaves `$virus_scanners_failure_is_fatal` undefined: when clamd cannot be \
        reached or cannot read the message (clamav not in amavis's group, a socket path clamd \
        never created), amavis logs `ALL VIRUS SCANNERS FAILED` and delivers the message \
        `Passed UNCHECKED`, viruses included. Set it to 1 and amavis answers 4xx instead, so \
        Postfix keeps the mail queued until the scanner works. A milter with \
        `milter_default_action = accept` does the same in Postfix: mail passes whenever the \
        milter is down (the default, `tempfail`, keeps it).
        """,
        triggering: [
            .postfix(mainCf: "", [("amavis/conf.d/50-user", "↓use strict;\n$mydomain = 'example.com';\n1;\n")]),
            .postfix(mainCf: "", [("amavis/conf.d/50-user", "use strict;\n↓$virus_scanners_failure_is_fatal = 0;\n1;\n")]),
            .postfix(mainCf: "smtpd_milters = unix:/run/clamav/clamav-milter.ctl\nmilter_default_action = ↓accept\n"),
            .postfix(mainCf: "smtpd_milters = inet:127.0.0.1:8891\nmilter_default_action = ↓accept\n"),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("amavis/conf.d/50-user", "use strict;\n$virus_scanners_failure_is_fatal = 1;\n1;\n")]),
            .postfix(mainCf: "", [("amavis/conf.d/50-user", "use strict;\n@bypass_virus_checks_maps = (1);\n1;\n")]),
            .postfix(mainCf: "smtpd_milters = unix:/run/clamav/clamav-milter.ctl\n"),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if config.hasMainCf {
            let main = config.parameters(for: nil)
            let milters = main.list("smtpd_milters") + main.list("non_smtpd_milters")
            if !milters.isEmpty, main.value("milter_default_action").lowercased() == "accept" {
                // An error when a milter is a scanner by its name; a signer (opendkim) failing
                // open is a choice some make, so only a warning.
                let scanner = milters.first { m in Self.scannerNames.contains { m.text.lowercased().contains($0) } }
                out.append(Self.diagnostic("`milter_default_action = accept` delivers mail unchecked whenever a milter is unreachable"
                                           + (scanner.map { " (`\($0.text)` is a content scanner)" } ?? ""),
                                           at: main.anchor("milter_default_action"),
                                           fix: "remove it (the default `tempfail` keeps the mail queued)",
                                           severity: scanner == nil ? .warning : .error))
            }
        }
        if let amavis = AmavisSettings.of(config), let last = amavis.files.last, scansForViruses(amavis) {
            let v = amavis.value("virus_scanners_failure_is_fatal") ?? "undef"
            if !["1", "yes"].contains(v.lowercased()) {
                out.append(Self.diagnostic("amavis passes mail UNCHECKED when every virus scanner fails (`$virus_scanners_failure_is_fatal` is \(v == "undef" ? "not set" : "`\(v)`"))",
                                           at: amavis.spans["virus_scanners_failure_is_fatal"] ?? .file(last),
                                           fix: "add `$virus_scanners_failure_is_fatal = 1;` so amavis tempfails and Postfix retries"))
            }
        }
        return out
    }

    static let scannerNames = ["clamav", "clamd", "rspamd", "amavis", "spamass", "mimedefang", "spamd", "sophie", "savdid"]

    /// False when the configuration turns virus checks off for everyone.
    /// A line that reads `@bypass_virus_checks_maps=(1)` once its spaces are dropped; compared
    /// as bytes (a Character filter of every line cost more than the rest of the rule).
    private func scansForViruses(_ amavis: AmavisSettings) -> Bool {
        let bypass = Array("@bypass_virus_checks_maps=(1)".utf8)
        return !amavis.texts.values.contains { text in
            text.utf8.split(separator: UInt8(ascii: "\n")).contains { line in
                var matched = 0
                for c in line where c != UInt8(ascii: " ") {
                    guard c == bypass[matched] else { return false }
                    matched += 1
                    if matched == bypass.count { return true }
                }
                return false
            }
        }
    }
}
