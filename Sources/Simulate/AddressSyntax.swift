import ConfigModel

/// The address checks smtpd makes before any restriction (smtpd.c extract_addr and
/// smtpd_check_addr): a RCPT/MAIL address that fails gets `501 5.1.3 Bad recipient address
/// syntax` / `501 5.1.7 Bad sender address syntax` (seen with Postfix 3.7 for `<>` as recipient,
/// `<@>`, an unterminated quote, an unquoted space, `[300.1.1.1]`, `example..com`).
enum AddressSyntax {
    /// The address with an RFC 5321 source route (`@a,@b:user@domain`) removed, as smtpd uses it.
    static func strippingSourceRoute(_ address: String) -> String {
        guard address.hasPrefix("@"), let colon = address.firstIndex(of: ":") else { return address }
        return String(address[address.index(after: colon)...])
    }

    /// The internal form smtpd checks and prints (`"john smith"@example.net` becomes
    /// `john smith@example.net`, as in `554 5.7.1 <john smith@example.net>: ...`): quotes
    /// dropped, quoted pairs resolved.
    static func internalForm(_ address: String) -> String {
        guard address.contains("\"") || address.contains("\\") else { return address }
        var out = "", inQuote = false, escaped = false
        for c in address {
            if escaped { out.append(c); escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "\"" { inQuote.toggle(); continue }
            out.append(c)
        }
        return out
    }

    static func isValid(_ address: String, allowEmpty: Bool) -> Bool {
        if address.isEmpty { return allowEmpty }
        var inQuote = false
        var escaped = false
        var lastAt: String.Index?
        for index in address.indices {
            let c = address[index]
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "\"" { inQuote.toggle(); continue }
            if inQuote { continue }
            if c == " " || c == "\t" || c == "<" || c == ">" || c == "(" || c == ")" || c == "," || c == ";" { return false }
            if c == "@" { lastAt = index }
        }
        if inQuote || escaped { return false }
        guard let at = lastAt else { return true }
        let local = address[..<at]
        let domain = HostnameRules.truncateDot(String(address[address.index(after: at)...]))
        if local.isEmpty && domain.isEmpty { return false }
        if domain.isEmpty { return true }
        if domain.hasPrefix("[") {
            guard domain.hasSuffix("]") else { return false }
            var inner = domain.dropFirst().dropLast()
            if inner.lowercased().hasPrefix("ipv6:") { inner = inner.dropFirst(5) }
            return IPAddress(inner) != nil
        }
        return HostnameRules.validHostname(domain) || HostnameRules.validHostaddr(domain)
    }
}
