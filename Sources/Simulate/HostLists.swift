import ConfigModel
import FoundationEssentials

/// Postfix's match lists (src/util/match_list.c): `mynetworks`-style host/address lists and
/// `relay_domains`-style domain lists, with `!` negation, `type:table` entries and the parent
/// domain style that `parent_domain_matches_subdomains` picks per parameter.
struct MatchList {
    var patterns: [String]
    /// `example.com` also matches `sub.example.com` (parameter listed in
    /// parent_domain_matches_subdomains); otherwise only `.example.com` does.
    var parentMatchesSubdomains: Bool
    var tables: TableProvider

    /// Domain list: first matching pattern decides (negated -> no match).
    func matchesDomain(_ domain: String) -> Bool {
        let name = domain.lowercased().trimmingTrailingDot()
        for pattern in patterns {
            let (negated, body) = Self.split(pattern)
            if domainPattern(body, matches: name) { return !negated }
        }
        return false
    }

    /// Host list: the client name (domain patterns) or address (IP, CIDR) decides.
    func matchesHost(name: String, address: String) -> Bool {
        let ip = IPAddress(address)
        for pattern in patterns {
            let (negated, body) = Self.split(pattern)
            if let ip, Self.addressPattern(body, matches: ip) { return !negated }
            if body.contains(":") && !body.hasPrefix("[") && IPAddress(body) == nil && CIDRMatch(body) == nil {
                if tableContains(body, keys: [address]) || domainPattern(body, matches: name.lowercased()) { return !negated }
                continue
            }
            if name != "unknown", domainPattern(body, matches: name.lowercased()) { return !negated }
        }
        return false
    }

    private static func split(_ pattern: String) -> (Bool, String) {
        pattern.hasPrefix("!") ? (true, String(pattern.dropFirst())) : (false, pattern)
    }

    private func domainPattern(_ pattern: String, matches name: String) -> Bool {
        if pattern.contains(":"), IPAddress(pattern) == nil, !pattern.hasPrefix("[") {
            // type:table: the name, then its parents (`.parent` keys without parent style).
            guard let table = tables.table(pattern) else { return false }
            if table.lookup(name) != nil { return true }
            var rest = Substring(name)
            while let dot = rest.firstIndex(of: ".") {
                rest = rest[rest.index(after: dot)...]
                if table.lookup(parentMatchesSubdomains ? String(rest) : "." + rest) != nil { return true }
            }
            return false
        }
        let p = pattern.lowercased()
        if p.hasPrefix(".") { return name.hasSuffix(p) }
        if name == p { return true }
        return parentMatchesSubdomains && name.hasSuffix("." + p)
    }

    private func tableContains(_ reference: String, keys: [String]) -> Bool {
        guard let table = tables.table(reference) else { return false }
        return keys.contains { table.lookup($0) != nil }
    }

    static func addressPattern(_ pattern: String, matches ip: IPAddress) -> Bool {
        var p = Substring(pattern)
        if p.hasPrefix("[") {
            p = p.dropFirst()
            if let close = p.firstIndex(of: "]") { p = p[..<close] + p[p.index(after: close)...] }
        }
        if let cidr = CIDRMatch(p) { return cidr.contains(ip) }
        if let exact = IPAddress(p) { return exact == ip }
        return false
    }
}

/// `network/prefix` that, unlike the model's `CIDR`, tolerates host bits (Postfix warns and
/// masks them).
struct CIDRMatch {
    var network: [UInt8]
    var prefix: Int

    init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let address = IPAddress(parts[0]), let prefix = Int(parts[1]),
              prefix >= 0, prefix <= address.bytes.count * 8 else { return nil }
        network = address.bytes
        self.prefix = prefix
    }

    func contains(_ ip: IPAddress) -> Bool {
        guard ip.bytes.count == network.count else { return false }
        var bits = prefix
        for (a, b) in zip(ip.bytes, network) {
            if bits <= 0 { return true }
            let mask: UInt8 = bits >= 8 ? 0xff : ~(0xff >> UInt8(bits))
            if a & mask != b & mask { return false }
            bits -= 8
        }
        return true
    }
}

/// One line of a cidr_table(5): `network result`, first match wins.
struct CIDRTableEntry {
    var network: CIDRMatch
    var value: String

    /// The value of the first network holding `key` (an IP address), else nil.
    static func lookup(_ entries: [CIDRTableEntry], _ key: String) -> String? {
        guard let ip = IPAddress(key) else { return nil }
        return entries.first { $0.network.contains(ip) }?.value
    }

    static func parse(_ text: String) -> [CIDRTableEntry] {
        text.split(separator: "\n").compactMap { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard !trimmed.hasPrefix("#") else { return nil }
            let fields = trimmed.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else { return nil }
            var key = fields[0]
            if key.hasPrefix("[") { key = key.dropFirst().filter { $0 != "]" }[...] }
            let network = CIDRMatch(key) ?? IPAddress(key).flatMap { CIDRMatch("\(key)/\($0.bytes.count * 8)") }
            return network.map { CIDRTableEntry(network: $0, value: fields[1].trimmingBlanks()) }
        }
    }
}
