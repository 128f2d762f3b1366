import Diagnostics
import ConfigModel

/// DNS answers for the simulator, so DNS-dependent restrictions can be evaluated offline.
///
/// One record per line, `#` comments:
/// ```
/// example.net        A         192.0.2.10       # also AAAA, MX, TXT
/// zen.spamhaus.org   LISTED    203.0.113.66  127.0.0.2   # client 203.0.113.66 listed, answer 127.0.0.2
/// policy  inet:127.0.0.1:12525  550 Mail appeared to be SPAM or forged   # a policy service's action
/// ```
/// With a fixture every name it does not list is NXDOMAIN, as a local DNS server holding only
/// these records would answer.
public struct DNSFixture: Sendable, Equatable {
    public var records: [String: [(type: String, value: String)]] = [:]
    public var policyActions: [String: String] = [:]

    public static func == (a: DNSFixture, b: DNSFixture) -> Bool {
        a.policyActions == b.policyActions && a.records.keys.sorted() == b.records.keys.sorted()
            && a.records.allSatisfy { key, value in
                (b.records[key] ?? []).map { "\($0.type) \($0.value)" } == value.map { "\($0.type) \($0.value)" }
            }
    }

    public init() {}

    public static let knownTypes: Set<String> = ["A", "AAAA", "MX", "TXT", "LISTED"]

    /// Parses fixture text; bad lines come back as diagnostics with their line and column.
    public static func parse(_ text: String, file: String) -> (DNSFixture, [Diagnostic]) {
        var fixture = DNSFixture()
        var diagnostics: [Diagnostic] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.prefix { $0 != "#" }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard !fields.isEmpty else { continue }
            let span = SourceSpan(file: file, line: index + 1, column: 1, endLine: index + 1, endColumn: raw.count + 1)
            if fields[0].lowercased() == "policy", fields.count >= 3 {
                fixture.policyActions[fields[1]] = fields[2...].joined(separator: " ")
                continue
            }
            let type = fields.count >= 2 ? fields[1].uppercased() : ""
            if type == "NXDOMAIN", fields.count == 2 {
                fixture.records[fields[0].lowercased(), default: []] += []
                continue
            }
            guard fields.count >= 3, knownTypes.contains(type) else {
                diagnostics.append(SyntaxFinding.invalidValue.diagnostic(
                    "expected `name TYPE value` (A, AAAA, MX, TXT, LISTED) or `policy ENDPOINT action`",
                    at: span, fix: "write one record per line, e.g. `example.net A 192.0.2.10`"))
                continue
            }
            let name = fields[0].lowercased().trimmingTrailingDot()
            if type == "LISTED" {
                // zone LISTED client-ip [answer]: the reversed query name gets an A record.
                let answer = fields.count >= 4 ? fields[3] : "127.0.0.2"
                let query = reversedQuery(fields[2], zone: name)
                fixture.records[query, default: []].append((type: "A", value: answer))
                if fields.count >= 5 {
                    fixture.records[query, default: []].append((type: "TXT", value: fields[4...].joined(separator: " ")))
                }
            } else {
                fixture.records[name, default: []].append((type: type, value: fields[2...].joined(separator: " ")))
            }
        }
        return (fixture, diagnostics)
    }

    /// Records of `type` for `name`; empty = NXDOMAIN / no data.
    public func answers(_ name: String, _ type: String) -> [String] {
        (records[name.lowercased().trimmingTrailingDot()] ?? []).filter { $0.type == type }.map(\.value)
    }

    /// True when the name has an A, AAAA or MX record (what reject_unknown_*_domain asks).
    public func hasAddressOrMX(_ name: String) -> Bool {
        !answers(name, "A").isEmpty || !answers(name, "AAAA").isEmpty || !answers(name, "MX").isEmpty
    }

    static func reversedQuery(_ address: String, zone: String) -> String {
        address.split(separator: ".").reversed().joined(separator: ".") + "." + zone
    }
}
