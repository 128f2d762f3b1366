import Diagnostics
import PostfixConfig

/// GW2031: a postscreen_access_list that waves every client past postscreen.
struct PostscreenAllowsWorldRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW2031", name: "postscreen-access-list-allows-world", severity: .error,
        summary: "`postscreen_access_list` permits every client, so postscreen tests no one",
        rationale: """
        A client that `postscreen_access_list` permits skips every postscreen test: no DNS \
        list, no pre-greet test. `static:permit`, or a cidr table that permits `0.0.0.0/0` or \
        `::/0`, permits the whole Internet and turns postscreen into a slower smtpd. List the \
        inside servers and trusted networks only (`permit_mynetworks`).
        """,
        triggering: [
            .postfix(mainCf: "postscreen_access_list = permit_mynetworks, ↓static:permit\n"),
            .postfix(mainCf: "postscreen_access_list = permit_mynetworks, ↓cidr:/etc/postfix/postscreen_access.cidr\n",
                     [("postscreen_access.cidr", "192.0.2.25/32 permit\n0.0.0.0/0 permit\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "postscreen_access_list = permit_mynetworks, cidr:/etc/postfix/postscreen_access.cidr\n",
                     [("postscreen_access.cidr", "192.0.2.25/32 permit\n0.0.0.0/0 dunno\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf else { return [] }
        var out = DiagnosticSet()
        let scopes = [config.parameters(for: nil)] + PostscreenSupport.services(config).map { config.parameters(for: $0) }
        for scope in scopes {
            for item in scope.list("postscreen_access_list") {
                let text = item.text.lowercased()
                let at = item.span ?? scope.anchor("postscreen_access_list")
                if text == "static:permit" {
                    out.add(Self.diagnostic("`\(item.text)` permits every client: postscreen tests no one", at: at,
                                            fix: "remove it; `permit_mynetworks` already lets the trusted networks through"))
                    continue
                }
                guard text.hasPrefix("cidr:") else { continue }
                let table = String(item.text.dropFirst("cidr:".count))
                let lines: [Substring]
                if table.hasPrefix("{") {
                    lines = table.dropFirst().dropLast().split(whereSeparator: { $0 == "{" || $0 == "}" || $0 == "," })
                } else {
                    guard let bytes = config.readFile(config.localPath(table, in: scope)) else { continue }
                    lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
                }
                for line in lines {
                    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                    guard fields.count >= 2, ["0.0.0.0/0", "::/0", "[::]/0"].contains(String(fields[0])),
                          fields[1].lowercased() == "permit" else { continue }
                    out.add(Self.diagnostic("`\(item.text)` permits `\(fields[0])`: every client skips postscreen's tests", at: at,
                                            fix: "list only the networks that must skip the tests; end the table with `dunno` or nothing"))
                }
            }
        }
        return out.all
    }
}
