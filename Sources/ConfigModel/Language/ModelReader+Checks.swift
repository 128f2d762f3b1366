import Diagnostics

/// `[clients]`, `[helo]`, `[senders]`, `[checks]`, `[dnsbl]`.
extension ModelReader {
    mutating func clients(_ raw: RawSection?) -> [AccessEntry]? {
        let (_, entries) = mapEntries(raw, "clients")
        var out: [AccessEntry] = []
        var ok = true
        for (i, e) in entries.enumerated() {
            guard let key = e.key, let value = e.value else { continue }
            record("clients[\(i)]", e)
            guard clientKey(key), let a = action(value, key.text) else { ok = false; continue }
            out.append(AccessEntry(key: key.text.lowercased(), action: a))
        }
        return ok ? out : nil
    }

    /// check_client_access keys: a host or domain name, an IP address, or an IPv4 prefix of
    /// one to three octets (`192.168`), as access(5) looks them up.
    mutating func clientKey(_ t: Token) -> Bool {
        if IPAddress(t.text) != nil || (try? DomainName(t.text)) != nil { return true }
        let parts = t.text.split(separator: ".", omittingEmptySubsequences: false)
        if (1...3).contains(parts.count), IPAddress(t.text + String(repeating: ".0", count: 4 - parts.count)) != nil { return true }
        error(.invalidValue, "`\(t.text)` is not a host name, domain, IP address or IPv4 prefix", t.span,
              fix: "write e.g. `hotmail.com`, `192.0.2.7` or `192.0.2`")
        return false
    }

    mutating func helo(_ raw: RawSection?) -> HeloChecks? {
        let (f, entries) = mapEntries(raw, "helo") { $0.hasPrefix("/") || $0.hasPrefix("!/") }
        var h = HeloChecks()
        var ok = true
        if let t = f["reject-own-ip"],
           !generated(t, "reject-own-ip", default: .reject(text: "You are not my IP"), into: &h.rejectOwnIP) { ok = false }
        if let t = f["reject-own-hostname"],
           !generated(t, "reject-own-hostname", default: .reject(text: "You are not in the server room"),
                      into: &h.rejectOwnHostname) { ok = false }
        for (i, e) in entries.enumerated() {
            guard let key = e.key, let value = e.value else { continue }
            record("helo.patterns[\(i)]", e)
            guard regex(key), let a = action(value, key.text) else { ok = false; continue }
            h.patterns.append(.init(regex: key.text, action: a))
        }
        return ok ? h : nil
    }

    /// A generation switch: `yes` (the default action), `no`, or an explicit action.
    /// Returns false when the value is none of those.
    mutating func generated(_ t: Token, _ what: String, default def: AccessAction, into target: inout AccessAction?) -> Bool {
        switch t.text.lowercased() {
        case "yes", "on": target = def
        case "no", "off": target = nil
        default:
            guard let a = action(t, what) else { return false }
            target = a
        }
        return true
    }

    /// `/regex/flags` or `!/regex/flags` as pcre_table(5) writes it: closed delimiter, known flags.
    /// Compiling the expression is the regex-table rules' job (GW4xxx).
    mutating func regex(_ t: Token) -> Bool {
        // A control character would end up inside the pcre table line (tab is fine there).
        if let i = t.text.firstIndex(where: { $0 != "\t" && $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f } }) {
            error(.unsafeValue, "control character in pattern", t.span(at: i), fix: "remove the character")
            return false
        }
        guard let end = RawDocument.regexEnd(t.text) else {
            error(.invalidValue, "unterminated pattern `\(t.text)`", t.span, fix: "close the pattern with `/`")
            return false
        }
        let flagsStart = t.text[..<end].lastIndex(of: "/").map { t.text.index(after: $0) } ?? end
        if let bad = t.text[flagsStart..<end].firstIndex(where: { !"imsxAEU".contains($0) }) {
            error(.invalidValue, "unknown pcre flag `\(t.text[bad])`", t.span(at: bad), fix: "use flags from `imsxAEU`")
            return false
        }
        if end != t.text.endIndex {
            error(.invalidValue, "text after the pattern's flags", t.span(at: end), fix: "write `/pattern/flags = ACTION`")
            return false
        }
        let body = t.text[t.text.index(after: t.text.firstIndex(of: "/") ?? t.text.startIndex)..<(t.text[..<end].lastIndex(of: "/") ?? end)]
        if body.isEmpty {
            error(.invalidValue, "empty pattern", t.span, fix: "write a regular expression between the slashes")
            return false
        }
        return true
    }

    mutating func senders(_ raw: RawSection?) -> SenderChecks? {
        let (f, entries) = mapEntries(raw, "senders")
        var s = SenderChecks()
        var ok = true
        if let t = f["reject-own-domain"],
           !generated(t, "reject-own-domain", default: .reject(text: nil), into: &s.rejectOwnDomain) { ok = false }
        for (i, e) in entries.enumerated() {
            guard let key = e.key, let value = e.value else { continue }
            record("senders.entries[\(i)]", e)
            let keyOK = key.text.contains("@") ? address(key, "senders") != nil : domain(key, "senders") != nil
            guard keyOK, let a = action(value, key.text) else { ok = false; continue }
            s.entries.append(AccessEntry(key: key.text.lowercased(), action: a))
        }
        return ok ? s : nil
    }

    mutating func checks(_ raw: RawSection?) -> Checks? {
        let f = fields(raw, "checks")
        var c = Checks()
        var ok = true
        if let t = f["helo-required"] { if let b = bool(t, "helo-required") { c.heloRequired = b } else { ok = false } }
        if let t = f["invalid-helo"] { if let b = bool(t, "invalid-helo") { c.invalidHelo = b } else { ok = false } }
        if let t = f["fqdn"] {
            if let v = targets(t, "checks.fqdn", allowed: [.helo, .sender, .recipient]) { c.fqdn = v } else { ok = false }
        }
        if let t = f["known-domain"] {
            if let v = targets(t, "checks.known-domain", allowed: CheckTarget.allCases) { c.knownDomain = v } else { ok = false }
        }
        if let t = f["multi-recipient-bounce"] {
            if t.text.lowercased() == "reject" { c.multiRecipientBounce = true }
            else if let b = bool(t, "multi-recipient-bounce") { c.multiRecipientBounce = b } else { ok = false }
        }
        if let t = f["warn-only"] {
            if let v = items(t, "checks.warn-only", { r, item in r.restrictionName(item) }) { c.warnOnly = v } else { ok = false }
        }
        return ok ? c : nil
    }

    mutating func targets(_ t: Token, _ path: String, allowed: [CheckTarget]) -> Set<CheckTarget>? {
        items(t, path) { r, item in
            if let v = CheckTarget(rawValue: item.text.lowercased()), allowed.contains(v) { return v }
            let names = allowed.map(\.rawValue)
            let fix = Suggest.closest(to: item.text, in: names).map { "did you mean `\($0)`?" }
                ?? "use " + names.map { "`\($0)`" }.joined(separator: ", ")
            r.error(.invalidValue, "`\(item.text)` is not one of " + names.map { "`\($0)`" }.joined(separator: ", "),
                    item.span, fix: fix)
            return nil
        }.map(Set.init)
    }

    /// Restrictions that `warn-only` may soften: the ones gateway.conf can place, by current name.
    static let warnableRestrictions = [
        "reject_non_fqdn_helo_hostname", "reject_non_fqdn_sender", "reject_non_fqdn_recipient",
        "reject_invalid_helo_hostname", "reject_unknown_helo_hostname", "reject_unknown_client_hostname",
        "reject_unknown_sender_domain", "reject_unknown_recipient_domain", "reject_multi_recipient_bounce",
        "reject_rbl_client", "check_client_access", "check_helo_access", "check_sender_access",
        "check_policy_service",
    ]

    mutating func restrictionName(_ t: Token) -> String? {
        let name = t.text.lowercased()
        if ModelReader.warnableRestrictions.contains(name) { return name }
        let renamed = ["reject_non_fqdn_hostname": "reject_non_fqdn_helo_hostname",
                       "reject_invalid_hostname": "reject_invalid_helo_hostname",
                       "reject_unknown_hostname": "reject_unknown_helo_hostname",
                       "reject_unknown_client": "reject_unknown_client_hostname"]
        let fix = renamed[name].map { "use the current name `\($0)`; gatewayctl writes the one the target Postfix knows" }
            ?? Suggest.closest(to: name, in: ModelReader.warnableRestrictions).map { "did you mean `\($0)`?" }
        error(.invalidValue, "`\(t.text)` is not a restriction gateway.conf places", t.span, fix: fix)
        return nil
    }

    mutating func dnsbls(_ raw: RawSection?) -> [DNSBL]? {
        let (_, entries) = mapEntries(raw, "dnsbl", allowBare: true)
        var out: [DNSBL] = []
        var ok = true
        for (i, e) in entries.enumerated() {
            guard let key = e.key else { continue }
            record("dnsbl[\(i)]", e)
            guard let zone = domain(key, "dnsbl", fqdn: true) else { ok = false; continue }
            var filter: String?
            if let v = e.value {
                guard replyFilter(v) else { ok = false; continue }
                filter = v.text
            }
            out.append(DNSBL(zone: zone, replyFilter: filter))
        }
        return ok ? out : nil
    }

    /// Postfix's reply filter: four dot-separated parts, each a number or `[n..m;k]`.
    mutating func replyFilter(_ t: Token) -> Bool {
        func number(_ s: Substring) -> Bool { !s.isEmpty && s.count <= 3 && s.allSatisfy { $0.isASCII && $0.isNumber } && (Int(s) ?? 256) <= 255 }
        func part(_ p: Substring) -> Bool {
            if number(p) { return true }
            guard p.hasPrefix("["), p.hasSuffix("]"), p.count > 2 else { return false }
            return p.dropFirst().dropLast().split(separator: ";", omittingEmptySubsequences: false).allSatisfy { item in
                guard let r = item.firstRange(of: "..") else { return number(item) }
                let lo = item[..<r.lowerBound], hi = item[r.upperBound...]
                return number(lo) && number(hi) && (Int(lo) ?? 0) <= (Int(hi) ?? 0)
            }
        }
        // Split on dots outside brackets (`..` ranges live inside them).
        var parts: [Substring] = []
        var depth = 0, start = t.text.startIndex
        for i in t.text.indices {
            if t.text[i] == "[" { depth += 1 } else if t.text[i] == "]" { depth -= 1 }
            else if t.text[i] == ".", depth == 0 { parts.append(t.text[start..<i]); start = t.text.index(after: i) }
        }
        parts.append(t.text[start...])
        guard parts.count == 4, parts.allSatisfy(part) else {
            error(.invalidValue, "`\(t.text)` is not a DNSBL reply filter", t.span,
                  fix: "write four dot-separated parts, each a number or `[n..m]`, e.g. `127.0.0.[2..11]`")
            return false
        }
        return true
    }
}
