import Diagnostics

/// `man/gatewayctl-rules.7`, rendered from the same descriptions `rules`, `explain` and SARIF
/// use; a test fails when the committed page is stale.
public enum RuleManPage {
    public static func render(_ rules: [RuleDescription] = RuleRegistry.descriptions) -> String {
        var out = """
        .\\" Generated from RuleRegistry by RuleManPageTests; do not edit.
        .\\" Regenerate: GATEWAYCTL_UPDATE_GOLDEN=1 swift test --filter RuleManPageTests
        .TH GATEWAYCTL-RULES 7 "" "gatewayctl" "gatewayctl rules"
        .SH NAME
        gatewayctl-rules \\- the checks of gatewayctl check and gatewayctl lint
        .SH DESCRIPTION
        Every finding carries a stable id and a name. Ids are grouped by family:
        GW1xxx gateway.conf syntax and values,
        GW2xxx relay control and restriction lists,
        GW3xxx Postfix parameters and master.cf,
        GW4xxx lookup tables and regex tables,
        GW5xxx content filter, ClamAV, policy services and DNS lists,
        GW6xxx platform, jails and loopback.
        .PP
        Silence one finding with a comment line above the entry:
        .RS
        .B # gatewayctl: disable=open\\-relay reason
        .RE
        A directive that silences nothing is reported as
        .BR unused\\-suppression .
        .SH RULES

        """
        for r in rules.sorted(by: { $0.id < $1.id }) {
            out += ".SS \"\(r.id) \(escape(r.name)) (\(r.severity.rawValue))\"\n"
            out += escape(r.summary) + ".\n.PP\n" + escape(r.rationale) + "\n"
            for (title, examples) in [("Triggers", r.triggering), ("Does not trigger", r.nonTriggering)] {
                for (n, ex) in examples.enumerated() {
                    out += ".PP\n\(title) (\(n + 1)):\n.RS\n.nf\n"
                    for (name, text) in ex.files {
                        out += "\\fB\\-\\-\\- \(escape(name))\\fR\n"
                        for line in text.replacingAll(RuleExample.marker, "").split(separator: "\n", omittingEmptySubsequences: false)
                            .dropLast(text.hasSuffix("\n") ? 1 : 0) {
                            out += literal(String(line)) + "\n"
                        }
                    }
                    out += ".fi\n.RE\n"
                }
            }
        }
        out += """
        .SH SEE ALSO
        .BR gatewayctl (1),
        .BR gatewayctl.conf (5),
        .BR postconf (5),
        .BR access (5)

        """
        return out
    }

    /// Running text: backslashes and hyphens escaped; control characters (an example may hold
    /// a NUL on purpose) shown as `<NUL>`, `<0x1B>`, so the page stays text.
    static func escape(_ s: String) -> String {
        var visible = ""
        for u in s.unicodeScalars {
            switch u.value {
            case 0: visible += "<NUL>"
            case 0x09: visible.unicodeScalars.append(u)
            case 0x01...0x1F, 0x7F:
                let hex = String(u.value, radix: 16, uppercase: true)
                visible += "<0x" + (hex.count < 2 ? "0" : "") + hex + ">"
            default: visible.unicodeScalars.append(u)
            }
        }
        return visible.replacingAll("\\", "\\e").replacingAll("-", "\\-")
    }

    /// A line of a no-fill block: also protect a leading `.` or `'` from being a request.
    static func literal(_ s: String) -> String {
        let e = escape(s)
        return e.hasPrefix(".") || e.hasPrefix("'") ? "\\&" + e : e
    }
}
