import Diagnostics
import PostfixConfig

/// GW5017: policyd-weight scores DNSBL answers it cannot filter.
struct PolicydWeightDNSBLRule: PostfixRule {
    init() {}
    /// A build must never emit what this rule reports.
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW5017", name: "policyd-weight-dnsbl-unfiltered", severity: .warning,
        summary: "policyd-weight scores blocklists whose error answers count as listings",
        rationale: """
        policyd-weight counts ANY answer from a list in `@dnsbl_score` or `@rhsbl_score` as a \
        hit; it has no reply filter. Its packaged lists include pbl and sbl-xbl.spamhaus.org and \
        multi.surbl.org, which answer queries from public or high-volume resolvers with error \
        codes (127.255.255.x from Spamhaus): clean clients are scored into a 550, although \
        Postfix's `reject_rbl_client zen.spamhaus.org=127.0.0.[2..11]` in the same gateway \
        filters those codes. Leave blocklists to Postfix: set `@dnsbl_score = ();` and \
        `@rhsbl_score = ();`, or list only zones without error answers.
        """,
        triggering: [
            .postfix(mainCf: "", [("policyd-weight.conf", "↓$BIND_ADDRESS = '192.168.40.3';\n1;\n")]),
            .postfix(mainCf: "", [("policyd-weight.conf", "↓@dnsbl_score = ('pbl.spamhaus.org', 3.25, 0, 'DYN_PBL_SPAMHAUS');\n@rhsbl_score = ();\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("policyd-weight.conf", "@dnsbl_score = ();\n@rhsbl_score = ();\n1;\n")]),
        ])

    /// Zones documented to answer refused or over-quota queries with an A record.
    static let errorAnswering = ["spamhaus.org", "spamhaus.net", "surbl.org", "uribl.com"]
    /// What the package scores when the file leaves the array alone.
    static let packaged = ["@dnsbl_score": "pbl.spamhaus.org", "@rhsbl_score": "multi.surbl.org"]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let path = config.companion("policyd-weight.conf"), let bytes = config.readFile(path) else { return [] }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var out: [Diagnostic] = []
        for array in ["@dnsbl_score", "@rhsbl_score"] {
            guard let start = lines.firstIndex(where: { $0.drop { $0 == " " || $0 == "\t" }.hasPrefix(array) }) else {
                out.append(Self.diagnostic("`\(array)` is not set: policyd-weight scores its packaged lists (\(Self.packaged[array] ?? "")), counting error answers as listings",
                                           at: .file(path), fix: "add `\(array) = ();` and leave blocklists to Postfix's filtered `reject_rbl_client`"))
                continue
            }
            // The assignment runs to the line with `);`.
            var text = ""
            for l in lines[start...] { text += l + "\n"; if l.contains(");") { break } }
            let zones = text.split(whereSeparator: { $0 == "'" || $0 == "\"" }).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element).lowercased() }
            if let bad = zones.first(where: { z in Self.errorAnswering.contains { z == $0 || z.hasSuffix("." + $0) } }) {
                let line = lines[start]
                out.append(Self.diagnostic("`\(array)` scores `\(bad)`, whose error answers policyd-weight counts as listings",
                                           at: SourceSpan(file: path, line: start + 1, column: line.count - line.drop { $0 == " " || $0 == "\t" }.count + 1),
                                           fix: "remove `\(bad)` (Postfix's `reject_rbl_client` with a reply filter covers it)"))
            }
        }
        return out
    }
}
