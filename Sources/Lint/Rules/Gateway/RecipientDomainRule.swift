import Diagnostics
import ConfigModel

/// GW2101: a recipient the gateway will never accept mail for.
struct RecipientDomainRule: GatewayRule {
    init() {}

    /// Findings per recipients file before a summary: a wrong export would flood the report.
    static let fileLimit = 10

    static let description = RuleDescription(
        id: "GW2101", name: "recipient-outside-relay-domains", severity: .warning,
        summary: "a recipient's domain is not one of the relay domains",
        rationale: """
        `relay_recipient_maps` is only consulted for `relay_domains`; mail for any other domain is \
        refused by `reject_unauth_destination` first. A recipient outside the relay domains is dead \
        weight at best and usually a typo in the domain (the user then gets no mail at all).
        """,
        triggering: [
            GatewayExample.config(recipients: "usuario1@example.com\n↓usuario2@example.org\n"),
        ],
        nonTriggering: [
            GatewayExample.config(recipients: "usuario1@example.com\nusuario2@example.com\n"),
            GatewayExample.config(relay: "", recipients: "usuario1@EXAMPLE.com\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        let domains = document.gateway.relay.domains
        func inside(_ d: DomainName) -> Bool { domains.contains { d == $0 } }
        let fix = "relay domains: " + domains.map { "`\($0)`" }.joined(separator: ", ")
        switch document.gateway.recipients {
        case .inline(let list):
            return list.enumerated().compactMap { i, a in
                inside(a.domain) ? nil : Self.diagnostic(
                    "recipient `\(a)` is outside the relay domains", at: document.span("recipients[\(i)]"), fix: fix)
            }
        case .file(let path):
            // Millions of lines: compare domain bytes, build strings only for findings.
            let allowed = Set(domains.map { Array($0.value.utf8) })
            var out: [Diagnostic] = []
            var outside = 0
            try? RecipientFile.scan(path: path) { line, column, bytes, problem in
                guard problem == nil, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return }
                var domain = Array(bytes[(at + 1)...]).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
                if domain.last == UInt8(ascii: ".") { domain.removeLast() }
                guard !allowed.contains(domain) else { return }
                outside += 1
                if outside <= Self.fileLimit {
                    out.append(Self.diagnostic("recipient `\(String(decoding: bytes, as: UTF8.self))` is outside the relay domains",
                                               at: SourceSpan(file: path, line: line, column: column), fix: fix))
                }
            }
            if outside > Self.fileLimit {
                out.append(Self.diagnostic("\(outside - Self.fileLimit) more recipients outside the relay domains in `\(path)`",
                                           at: document.span("recipients.file")))
            }
            return out
        }
    }
}
