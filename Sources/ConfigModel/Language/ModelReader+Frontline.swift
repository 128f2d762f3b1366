import Diagnostics

/// `[postscreen]` and `[tls]`: what faces the Internet on port 25. Each returns `.some(nil)`
/// when its section is absent and `nil` when it is present but invalid.
extension ModelReader {
    mutating func postscreen(_ raw: RawSection?) -> Postscreen?? {
        guard raw != nil else { return .some(nil) }
        // Data keys are DNS zones (they hold a dot); fixed keys never do.
        let (f, entries) = mapEntries(raw, "postscreen", allowBare: true) { $0.contains(".") }
        var p = Postscreen()
        var ok = true
        if let t = f["enabled"] { if let b = bool(t, "enabled") { p.enabled = b } else { ok = false } }
        if let t = f["threshold"] { if let v = int(t, "threshold", 1...100) { p.threshold = v } else { ok = false } }
        if let t = f["dnsbl-action"] { if let a = postscreenAction(t, "dnsbl-action") { p.dnsblAction = a } else { ok = false } }
        if let t = f["pregreet-action"] { if let a = postscreenAction(t, "pregreet-action") { p.pregreetAction = a } else { ok = false } }
        if let t = f["allow"] {
            if let v = items(t, "postscreen.allow", { r, item in r.cidr(item, "allow") }) { p.allow = v } else { ok = false }
        }
        if let t = f["dqs-key"] {
            if t.text.count >= 8, t.text.count <= 64, t.text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                p.dqsKey = t.text.lowercased()
            } else {
                ok = false
                error(.invalidValue, "`dqs-key` must be 8 to 64 letters and digits (the key from the Spamhaus DQS account)",
                      t.span, fix: "paste the key alone, without the zone around it")
            }
        }
        for e in entries {
            guard var key = e.key else { continue }
            // A bare `zone*weight` line, as Postfix writes a site without filter.
            var value = e.value
            if value == nil, let star = key.text.firstIndex(of: "*") {
                value = key.slice(star..<key.text.endIndex)
                key = key.slice(key.text.startIndex..<star)
            }
            guard let zone = domain(key, "postscreen", fqdn: true) else { ok = false; continue }
            // One zone may have several `filter*weight` items (DNSWL's trust levels), comma-separated.
            let items: [Token?] = value.map { v in v.text.isEmpty ? [nil] : v.commaItems().map { Optional($0) } } ?? [nil]
            for item in items {
                guard var site = postscreenSite(zone, item) else { ok = false; continue }
                // Spamhaus answers refused queries with 127.255.255.x: without a filter those count
                // as listings and postscreen refuses every client (lint: GW5001, GW5030).
                if site.replyFilter == nil, site.weight > 0, zone.isWithin(Postscreen.spamhaus) {
                    error(.invalidValue, "`\(zone)` has no reply filter: Spamhaus error answers would count as listings",
                          key.span, fix: "write `\(zone) = 127.0.0.[2..11]*\(site.weight)`")
                    ok = false
                    continue
                }
                site.zone = zone
                record("postscreen.sites[\(p.sites.count)]", e)
                p.sites.append(site)
            }
        }
        return ok ? .some(p) : nil
    }

    /// `filter*weight`, `*weight` or `filter` (nil: neither, weight 1).
    mutating func postscreenSite(_ zone: DomainName, _ item: Token?) -> Postscreen.Site? {
        var site = Postscreen.Site(zone: zone)
        guard let v = item?.trimmed(), !v.text.isEmpty else { return site }
        var filterText = Substring(v.text)
        if let star = v.text.lastIndex(of: "*") {
            let w = v.slice(v.text.index(after: star)..<v.text.endIndex).trimmed()
            guard w.text.count <= 4, let weight = Int(w.text), weight != 0, (-99...99).contains(weight) else {
                error(.invalidValue, "`\(w.text)` is not a site weight", w.span,
                      fix: "write `*N` with N from -99 to 99, not 0 (negative allowlists)")
                return nil
            }
            site.weight = weight
            filterText = v.text[..<star]
        }
        let ft = v.slice(filterText.startIndex..<filterText.endIndex).trimmed()
        if !ft.text.isEmpty {
            guard replyFilter(ft) else { return nil }
            site.replyFilter = ft.text
        }
        return site
    }

    mutating func postscreenAction(_ t: Token, _ what: String) -> Postscreen.Action? {
        if let a = Postscreen.Action(rawValue: t.text.lowercased()) { return a }
        error(.invalidValue, "`\(what)` must be `enforce`, `drop` or `ignore`, not `\(t.text)`", t.span,
              fix: Suggest.closest(to: t.text, in: Postscreen.Action.allCases.map(\.rawValue)).map { "did you mean `\($0)`?" }
                  ?? "write `enforce`")
        return nil
    }

    mutating func tls(_ raw: RawSection?) -> TLS?? {
        guard let raw else { return .some(nil) }
        let f = fields(raw, "tls")
        let certificate = f["certificate"].flatMap { path($0, "certificate") }
        let key = f["key"].flatMap { path($0, "key") }
        var ok = true
        var level = TLS.ServerLevel.may, inside = TLS.InsideLevel.may
        var insideCA: String?
        if let t = f["level"] {
            if let v = TLS.ServerLevel(rawValue: t.text.lowercased()) { level = v } else {
                ok = false
                error(.invalidValue, "`level` must be `may` or `encrypt`, not `\(t.text)`", t.span,
                      fix: "write `may`: port 25 must take clear-text mail from servers without TLS")
            }
        }
        if let t = f["inside"] {
            if let v = TLS.InsideLevel(rawValue: t.text.lowercased()) { inside = v } else {
                ok = false
                error(.invalidValue, "`inside` must be `none`, `may`, `encrypt` or `verify`, not `\(t.text)`", t.span,
                      fix: Suggest.closest(to: t.text, in: TLS.InsideLevel.allCases.map(\.rawValue)).map { "did you mean `\($0)`?" }
                          ?? "write `may`")
            }
        }
        if let t = f["inside-ca"] { if let v = path(t, "inside-ca") { insideCA = v } else { ok = false } }
        if inside == .verify, insideCA == nil, let t = f["inside"] {
            ok = false
            error(.missingKey, "`inside = verify` needs `inside-ca`, the CA file that signed the inside server's certificate",
                  t.span, fix: "add `inside-ca = /path/to/ca.pem` to `[tls]`, or use `encrypt`")
        }
        guard ok, let certificate, let key else { return nil }
        return .some(TLS(certificate: certificate, key: key, level: level, inside: inside, insideCA: insideCA))
    }
}
