import PostfixConfig
import ConfigModel
import Simulate

/// Turns a table key into the value an attacker sends to reach it: `HELO partner.example.org`
/// for a HELO key, `MAIL FROM:<probe@example.com>` for a sender domain, a string that the
/// pattern of a regex entry matches. The simulator then decides whether that transaction relays.
enum AttackChoices {
    static let foreignDomain = AttackChoice.foreignDomain
    static let attackerDomain = AttackChoice.attackerDomain

    static func choice(subject: RestrictionWalker.Subject, key: String, table: AccessTable) -> AttackChoice? {
        switch table.kind {
        case .staticValue:
            switch subject {
            case .helo: return AttackChoice(field: .helo, value: "probe.\(attackerDomain)")
            case .sender: return AttackChoice(field: .sender, value: "probe@\(attackerDomain)")
            case .recipient: return AttackChoice(field: .recipient, value: "victim@\(foreignDomain)")
            case .client: return AttackChoice(field: .clientAddress, value: "198.51.100.7")
            default: return nil
            }
        case .regex:
            return regexChoice(subject: subject, key: key, table: table)
        case .indexed, .inline, .cidr:
            return fixedChoice(subject: subject, key: key)
        case .opaque:
            return nil
        }
    }

    static func fixedChoice(subject: RestrictionWalker.Subject, key: String) -> AttackChoice? {
        switch subject {
        case .helo:
            return AttackChoice(field: .helo, value: key.hasPrefix(".") ? "host" + key : key)
        case .sender:
            if key == "<>" { return AttackChoice(field: .sender, value: "") }
            return AttackChoice(field: .sender, value: address(key, local: "probe", domain: attackerDomain))
        case .recipient:
            if key == "<>" { return nil }
            // `abuse@` reaches that mailbox at any domain; a domain or an address is one destination.
            let listed = !key.hasSuffix("@")
            return AttackChoice(field: .recipient, value: address(key, local: "victim", domain: foreignDomain),
                                listed: listed)
        case .client:
            if key.lowercased() == "unknown" { return AttackChoice(field: .clientName, value: "") }
            if let address = clientAddress(key) { return AttackChoice(field: .clientAddress, value: address, listed: true) }
            guard !key.hasPrefix("."), key.contains(".") else { return nil }
            return AttackChoice(field: .clientName, value: key, listed: true)
        default:
            return nil
        }
    }

    /// `user@` -> user@domain, `example.com` -> local@example.com, `.example.com` -> local@host.example.com.
    static func address(_ key: String, local: String, domain: String) -> String {
        if key.hasSuffix("@") { return key + domain }
        if key.contains("@") { return key }
        return local + "@" + (key.hasPrefix(".") ? "host" + key : key)
    }

    /// An address inside a client key: `192.0.2.7`, `192.0.2` (prefix), `192.0.2.0/24` (cidr).
    static func clientAddress(_ key: String) -> String? {
        if IPAddress(key) != nil { return key }
        if let cidr = try? CIDR(parsing: key) {
            // A network that holds the outsider's own address: the outsider itself.
            if let outsider = IPAddress("198.51.100.7"), cidr.contains(outsider) { return "198.51.100.7" }
            let text = key.split(separator: "/").first.map(String.init) ?? key
            if cidr.prefix < 32, !text.contains(":") {
                var octets = text.split(separator: ".").compactMap { Int($0) }
                if octets.count == 4 { octets[3] |= 1; return octets.map(String.init).joined(separator: ".") }
            }
            return text
        }
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        if (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) && Int($0) ?? 999 < 256 }) {
            return (parts + Array(repeating: "1", count: 4 - parts.count)).joined(separator: ".")
        }
        return nil
    }

    // MARK: - Regex entries

    static func regexChoice(subject: RestrictionWalker.Subject, key: String, table: AccessTable) -> AttackChoice? {
        guard let regex = table.regex else { return nil }
        let negated = key.hasPrefix("!")
        let line = table.entries.first { $0.key == key }?.span.line
        func hits(_ s: String) -> Bool { regex.query(s).map { line == nil || $0.line == line } ?? false }
        let field: AttackChoice.Field
        switch subject {
        case .helo: field = .helo
        case .sender: field = .sender
        case .recipient: field = .recipient
        case .client: field = .clientName
        default: return nil
        }
        var pattern = key.dropFirst(negated ? 2 : 1)
        if let close = pattern.lastIndex(of: "/") { pattern = pattern[..<close] }
        let base = witness(String(pattern))
        var candidates: [String] = []
        for w in [base, base.lowercased()] {
            switch field {
            case .sender, .recipient:
                let domain = field == .sender ? attackerDomain : foreignDomain
                let local = field == .sender ? "probe" : "victim"
                if w.hasSuffix("@") { candidates.append(w + domain) }
                if w.hasPrefix("@") { candidates.append(local + w) }
                if w.contains("@") { candidates.append(w) } else { candidates += [local + "@" + w, w + "@" + domain] }
            default:
                candidates += [w.hasPrefix(".") ? "host" + w : w, "host." + w, w + "." + attackerDomain]
            }
        }
        candidates += field == .recipient ? ["victim@\(foreignDomain)"] : field == .sender ? ["probe@\(attackerDomain)", ""]
            : ["probe.\(attackerDomain)", "unknown", "198.51.100.7"]
        // Names smtpd's syntax checks let through first (`.example.com` matches `/\.example\.com$/`
        // but no HELO check accepts it; `host.example.com` does).
        func plausible(_ s: String) -> Bool {
            let domain = s.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? s
            return !s.contains(" ") && HostnameRules.validHostname(domain) && domain.contains(".")
        }
        candidates = candidates.filter(plausible) + candidates.filter { !plausible($0) }
        guard let value = candidates.first(where: hits) else { return nil }
        if field == .clientName, value == "unknown" { return AttackChoice(field: .clientName, value: "") }
        if field == .clientName, IPAddress(value) != nil { return AttackChoice(field: .clientAddress, value: value, listed: value != "198.51.100.7") }
        if field == .clientName { return nil }   // a client name is not the attacker's to choose
        var listed = false
        if field == .recipient, let at = value.lastIndex(of: "@") {
            // Relaying to one listed destination unless the pattern matches any other domain too.
            listed = !hits(String(value[...at]) + "elsewhere.example.org")
        }
        return AttackChoice(field: field, value: value, listed: listed)
    }

    /// A string the pattern likely matches: anchors dropped, escapes resolved, `.*` and classes
    /// replaced by one plausible character, the first alternative of a group. Checked by the
    /// caller against the compiled pattern, so a wrong guess only loses the candidate.
    static func witness(_ pattern: String) -> String {
        var out = ""
        var chars = Array(pattern)
        var i = 0
        // First alternative of a top-level alternation.
        if let bar = topLevelBar(chars) { chars = Array(chars[..<bar]) }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "^", "$":
                i += 1
            case "\\":
                guard i + 1 < chars.count else { i += 1; continue }
                let n = chars[i + 1]
                switch n {
                case "d": out.append("1")
                case "w": out.append("x")
                case "s": out.append(" ")
                case "b", "A", "z", "Z": break
                default: out.append(n)
                }
                i += 2
            case ".":
                out.append("x")
                i += 1
            case "[":
                var j = i + 1
                if j < chars.count, chars[j] == "^" {
                    out.append("x")
                } else if j < chars.count {
                    out.append(chars[j] == "\\" && j + 1 < chars.count ? chars[j + 1] : chars[j])
                }
                while j < chars.count, chars[j] != "]" { j += chars[j] == "\\" ? 2 : 1 }
                i = j + 1
            case "(":
                // `(?:`, `(?i)`: skip the marker; alternatives: keep the first.
                var j = i + 1
                if j < chars.count, chars[j] == "?" {
                    j += 1
                    while j < chars.count, chars[j] != ":" && chars[j] != ")" { j += 1 }
                    if j < chars.count, chars[j] == ")" { i = j + 1; continue }
                    j += 1
                }
                var depth = 1, k = j, firstBar: Int?
                while k < chars.count, depth > 0 {
                    if chars[k] == "\\" { k += 2; continue }
                    if chars[k] == "(" { depth += 1 } else if chars[k] == ")" { depth -= 1 } else if chars[k] == "|", depth == 1, firstBar == nil { firstBar = k }
                    if depth > 0 { k += 1 }
                }
                out += witness(String(chars[j..<(firstBar ?? min(k, chars.count))]))
                i = k + 1
            case "*", "?":
                // The preceding atom may be absent: keep what we wrote (one occurrence matches too).
                i += 1
            case "+":
                i += 1
            case "{":
                while i < chars.count, chars[i] != "}" { i += 1 }
                i += 1
            default:
                out.append(c)
                i += 1
            }
        }
        return out
    }

    private static func topLevelBar(_ chars: [Character]) -> Int? {
        var depth = 0, i = 0
        while i < chars.count {
            switch chars[i] {
            case "\\": i += 1
            case "(", "[": depth += 1
            case ")", "]": depth -= 1
            case "|" where depth == 0: return i
            default: break
            }
            i += 1
        }
        return nil
    }
}
