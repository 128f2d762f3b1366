import Diagnostics
import ConfigModel

/// GW2109: `OK` keyed on what the client says about itself.
struct ForgeablePermitRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW2109", name: "permit-on-forgeable-name", severity: .warning,
        summary: "a HELO pattern or sender entry answers `OK`",
        rationale: """
        The HELO name and the envelope sender are whatever the client chooses to send. `OK` on \
        them skips every later check (recipient list aside): greylisting, policyd-weight and the \
        DNSBLs, for any spammer that says the right words. Before Postfix 2.10 all checks share \
        `smtpd_recipient_restrictions`, and such an `OK` placed before `reject_unauth_destination` \
        opens the relay. Whitelist clients by address in `[clients]`, or use `DUNNO`.
        """,
        triggering: [
            GatewayExample.config("[senders]\npartner.example = ↓OK\n"),
            GatewayExample.config("[helo]\n/^mail\\.partner\\.example$/ = ↓OK\n"),
        ],
        nonTriggering: [
            GatewayExample.config("[senders]\npartner.example = DUNNO\n[clients]\n192.0.2.7 = OK\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (i, p) in document.gateway.helo.patterns.enumerated() where p.action.permits {
            out.append(Self.diagnostic("HELO pattern `\(p.regex)` permits: any client can send that name",
                                       at: document.span("helo.patterns[\(i)].value"),
                                       fix: "use `DUNNO`, or permit the client's address in `[clients]`"))
        }
        for (i, e) in document.gateway.senders.entries.enumerated() where e.action.permits {
            out.append(Self.diagnostic("sender `\(e.key)` permits: any client can send that sender address",
                                       at: document.span("senders.entries[\(i)].value"),
                                       fix: "use `DUNNO`, or permit the client's address in `[clients]`"))
        }
        return out
    }
}
