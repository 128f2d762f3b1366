import ConfigModel

/// The part of trivial-rewrite that smtpd's checks depend on: canonicalize an address
/// (append `@$myorigin`, swap bang paths, the percent hack), strip local domains and re-parse,
/// then classify the final domain (local, virtual alias, virtual mailbox, relay, default),
/// flag source routes, and pick the transport (`error:` transports reject at RCPT).
struct AddressResolver {
    enum AddressClass: String { case local, alias, virtual, relay, `default` }

    struct Resolved {
        var address: String
        var localPart: String
        var domain: String
        var addressClass: AddressClass
        /// The local part still holds `@`, `!` or `%`: a source route to a non-local domain.
        var routed: Bool
        var transport: String
        var nexthop: String
        var isFinal: Bool { addressClass == .local || addressClass == .alias || addressClass == .virtual }
    }

    let context: SimulationContext

    func resolve(_ address: String) -> Resolved {
        let percentHack = context.bool("allow_percent_hack")
        let swapBang = context.bool("swap_bangpath")
        var addr = Self.dequote(address).lowercased()
        addr = canonicalize(addr, percentHack: percentHack, swapBang: swapBang)
        var stripped: String?
        for _ in 0..<10 {
            // resolve_addr(): a trailing dot ends no domain (`bob@example.com.`), but `..` and `@.` stay.
            if addr.hasSuffix("."), !addr.hasSuffix(".."), !addr.hasSuffix("@."), addr.contains("@") { addr.removeLast() }
            while addr.hasSuffix("@") { addr.removeLast() }
            guard let at = addr.lastIndex(of: "@") else { break }
            let domain = String(addr[addr.index(after: at)...])
            guard isLocal(domain) else { break }
            addr = String(addr[..<at])
            stripped = domain
            if addr.contains("@") || (swapBang && addr.contains("!")) || (percentHack && addr.contains("%")) {
                addr = canonicalize(addr, percentHack: percentHack, swapBang: swapBang)
                continue
            }
            break
        }
        if !addr.contains("@") {
            // The local domain that was stripped comes back; a bare name gets $myhostname.
            addr += "@" + (stripped ?? context.value("myhostname").lowercased())
        }
        let at = addr.lastIndex(of: "@") ?? addr.endIndex
        let local = String(addr[..<at])
        let domain = at < addr.endIndex ? String(addr[addr.index(after: at)...]) : ""
        var resolved = Resolved(address: addr, localPart: local, domain: domain, addressClass: .default,
                                routed: false, transport: "", nexthop: "")
        // Routing information left in the local part flags the address as routed whatever
        // swap_bangpath and allow_percent_hack say (seen with Postfix 3.7: `a!b@local` and
        // `a%b@relay.domain` get "Relay access denied" with both off).
        resolved.routed = local.contains("@") || local.contains("!") || local.contains("%")
        if isLocal(domain) {
            resolved.addressClass = .local
            (resolved.transport, resolved.nexthop) = Self.split(context.value("local_transport"), nexthop: context.value("myhostname"))
        } else {
            if context.matchList("virtual_alias_domains").matchesDomain(domain) {
                resolved.addressClass = .alias
                (resolved.transport, resolved.nexthop) = ("error", "5.1.1 User unknown in virtual alias table")
            } else if context.matchList("virtual_mailbox_domains").matchesDomain(domain) {
                resolved.addressClass = .virtual
                (resolved.transport, resolved.nexthop) = Self.split(context.value("virtual_transport"), nexthop: domain)
            } else if context.matchList("relay_domains").matchesDomain(domain) {
                resolved.addressClass = .relay
                (resolved.transport, resolved.nexthop) = Self.split(context.value("relay_transport"), nexthop: domain)
            } else {
                (resolved.transport, resolved.nexthop) = Self.split(context.value("default_transport"), nexthop: domain)
            }
        }
        if resolved.addressClass != .alias, let override = transportOverride(resolved) {
            (resolved.transport, resolved.nexthop) = Self.split(override, nexthop: resolved.nexthop)
        }
        return resolved
    }

    /// `"a@b"@c` -> `a@b@c`: the resolver looks inside quoted local parts (resolve_dequoted).
    static func dequote(_ address: String) -> String {
        guard address.hasPrefix("\""), let close = address.dropFirst().firstIndex(of: "\"") else { return address }
        return String(address[address.index(after: address.startIndex)..<close]) + address[address.index(after: close)...]
    }

    /// Rewrite in the "local" context: bang path, percent hack, `@$myorigin`, `.$mydomain`.
    private func canonicalize(_ address: String, percentHack: Bool, swapBang: Bool) -> String {
        var addr = address
        if !addr.contains("@") {
            if swapBang, let bang = addr.firstIndex(of: "!") {
                addr = String(addr[addr.index(after: bang)...]) + "@" + addr[..<bang]
            } else if percentHack, let percent = addr.lastIndex(of: "%") {
                addr = String(addr[..<percent]) + "@" + addr[addr.index(after: percent)...]
            } else if context.bool("append_at_myorigin") {
                addr += "@" + context.value("myorigin").lowercased()
            }
        }
        if context.bool("append_dot_mydomain"), let at = addr.lastIndex(of: "@") {
            let domain = addr[addr.index(after: at)...]
            if !domain.contains("."), !domain.hasPrefix("["), !domain.isEmpty {
                addr += "." + context.value("mydomain").lowercased()
            }
        }
        return addr
    }

    /// mydestination, or an address literal of this host (inet_interfaces, proxy_interfaces).
    func isLocal(_ domain: String) -> Bool {
        let name = domain.trimmingTrailingDot()
        if name.hasPrefix("["), name.hasSuffix("]") {
            var inner = name.dropFirst().dropLast()
            if inner.lowercased().hasPrefix("ipv6:") { inner = inner.dropFirst(5) }
            guard let ip = IPAddress(inner) else { return false }
            return ownAddresses().contains(ip)
        }
        return context.matchList("mydestination").matchesDomain(name)
    }

    private func ownAddresses() -> [IPAddress] {
        var out: [IPAddress] = []
        for item in context.items("inet_interfaces") + context.items("proxy_interfaces") {
            switch item.lowercased() {
            case "all", "loopback-only", "localhost":
                out += [IPAddress("127.0.0.1"), IPAddress("::1")].compactMap { $0 }
            default:
                if let ip = IPAddress(item.trimmingCharacters(in: ["[", "]"])) { out.append(ip) }
            }
        }
        return out
    }

    /// transport_maps: the full address, then the domain and its parents (`.parent` keys unless
    /// transport_maps is in parent_domain_matches_subdomains).
    private func transportOverride(_ r: Resolved) -> String? {
        let parent = context.parentStyle("transport_maps")
        for reference in context.items("transport_maps") {
            guard let table = context.tables.table(reference) else { continue }
            if let v = table.lookup(r.address), !v.isEmpty { return v }
            guard table.kind == .fixed else { continue }
            var name = Substring(r.domain)
            if let v = table.lookup(String(name)), !v.isEmpty { return v }
            while let dot = name.firstIndex(of: ".") {
                name = name[name.index(after: dot)...]
                if let v = table.lookup(parent ? String(name) : "." + name), !v.isEmpty { return v }
            }
        }
        return nil
    }

    /// `transport:nexthop`; an empty nexthop keeps the default.
    static func split(_ value: String, nexthop: String) -> (String, String) {
        guard let colon = value.firstIndex(of: ":") else { return (value, nexthop) }
        let rest = String(value[value.index(after: colon)...])
        return (String(value[..<colon]), rest.isEmpty ? nexthop : rest)
    }
}
