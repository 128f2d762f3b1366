import Diagnostics
import ConfigModel

/// The batch format of `gatewayctl simulate --batch FILE`: one transaction per line,
/// space-separated `key=value` fields, `#` comments.
///
/// ```
/// client=203.0.113.9 name=mx.example.net helo=mx.example.net from=a@example.net to=u@example.com,v@example.com
/// client=192.168.40.2 helo=mail.example.com from=<> to=x@example.org greylist=known sasl=user
/// ```
/// `pregreet=yes`: the client talks before the greeting (postscreen's pre-greet test).
/// `name` absent = no verified client name; `helo` absent = no HELO; `from=<>` is the null sender.
public enum BatchFile {
    public struct Line: Sendable {
        public var number: Int
        public var transaction: Transaction
    }

    public static func parse(_ text: String, file: String) -> ([Line], [Diagnostic]) {
        var lines: [Line] = []
        var diagnostics: [Diagnostic] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "\r" { continue }
            let number = index + 1
            func fail(_ message: String, _ fix: String) {
                diagnostics.append(SyntaxFinding.invalidValue.diagnostic(
                    message, at: SourceSpan(file: file, line: number, column: 1, endLine: number, endColumn: raw.count + 1), fix: fix))
            }
            var fields: [String: String] = [:]
            var bad = false
            for field in raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) {
                guard let eq = field.firstIndex(of: "="), eq != field.startIndex else {
                    fail("expected `key=value`, found `\(field)`", "write fields as client=IP helo=NAME from=ADDR to=ADDR[,ADDR]")
                    bad = true
                    break
                }
                let key = String(field[..<eq]), value = String(field[field.index(after: eq)...])
                guard ["client", "name", "helo", "from", "to", "sasl", "greylist", "pregreet"].contains(key) else {
                    fail("unknown field `\(key)`", "use client, name, helo, from, to, sasl, greylist or pregreet")
                    bad = true
                    break
                }
                fields[key] = value
            }
            if bad { continue }
            guard let client = fields["client"], IPAddress(client) != nil else {
                fail("`client` must be an IP address", "add client=203.0.113.9")
                continue
            }
            guard let from = fields["from"], let to = fields["to"], !to.isEmpty else {
                fail("`from` and `to` are required", "add from=ADDR (or from=<>) and to=ADDR[,ADDR]")
                continue
            }
            let sender = from == "<>" ? "" : from.trimmingCharacters(in: ["<", ">"])
            let recipients = to.split(separator: ",").map { String($0).trimmingCharacters(in: ["<", ">"]) }
            lines.append(Line(number: number, transaction: Transaction(
                clientAddress: client, clientName: fields["name"], helo: fields["helo"], sender: sender,
                recipients: recipients, saslUser: fields["sasl"], greylistKnown: fields["greylist"] == "known",
                talksFirst: fields["pregreet"] == "yes")))
        }
        return (lines, diagnostics)
    }
}
