/// The services around Postfix and the explicit restriction lists: `[greylisting]`,
/// `[policyd-weight]`, `[antivirus]`, `[signatures]`, `[content-filter]`, `[spamassassin]`,
/// `[restrictions]`. A section that is absent means the service is not used.
/// Each returns `.some(nil)` when its section is absent (service unused) and `nil` when the
/// section is present but invalid (the diagnostics say why).
extension ModelReader {
    mutating func greylisting(_ raw: RawSection?) -> Greylisting?? {
        guard raw != nil else { return .some(nil) }
        let f = fields(raw, "greylisting")
        let listen = f["listen"].flatMap { endpoint($0, "listen") }
        var delay: Int? = 300
        if let t = f["delay"] { delay = int(t, "delay", 0...86_400) }
        guard let listen, let delay else { return nil }
        return .some(Greylisting(listen: listen, delay: delay))
    }

    mutating func policydWeight(_ raw: RawSection?) -> PolicydWeight?? {
        guard raw != nil else { return .some(nil) }
        let f = fields(raw, "policyd-weight")
        guard let listen = f["listen"].flatMap({ endpoint($0, "listen") }) else { return nil }
        return .some(PolicydWeight(listen: listen))
    }

    mutating func antivirus(_ raw: RawSection?) -> Antivirus?? {
        guard raw != nil else { return .some(nil) }
        let f = fields(raw, "antivirus")
        var a = Antivirus()
        var ok = true
        if let t = f["listen"] { if let v = ip(t, "listen") { a.listen = v } else { ok = false } }
        if let t = f["port"] { if let v = int(t, "port", 1...65_535) { a.port = v } else { ok = false } }
        if let t = f["remote-clients"] {
            if let v = items(t, "antivirus.remote-clients", { r, item in r.ip(item, "remote-clients") }) { a.remoteClients = v } else { ok = false }
        }
        if let t = f["socket"] { if let v = path(t, "socket") { a.socket = v } else { ok = false } }
        if let t = f["database-directory"] { if let v = path(t, "database-directory") { a.databaseDirectory = v } else { ok = false } }
        if let t = f["stream-max-length"] { if let v = size(t, "stream-max-length") { a.streamMaxLength = v } else { ok = false } }
        if let t = f["max-file-size"] { if let v = size(t, "max-file-size") { a.maxFileSize = v } else { ok = false } }
        if let t = f["max-scan-size"] { if let v = size(t, "max-scan-size") { a.maxScanSize = v } else { ok = false } }
        return ok ? .some(a) : nil
    }

    mutating func signatures(_ raw: RawSection?) -> Signatures?? {
        guard raw != nil else { return .some(nil) }
        let f = fields(raw, "signatures")
        var s = Signatures()
        var ok = true
        if let t = f["mirror"] {
            if let v = items(t, "signatures.mirror", { r, item in r.domain(item, "mirror", fqdn: true) }) { s.mirrors = v } else { ok = false }
        }
        if let t = f["notify-clamd"] { if let v = bool(t, "notify-clamd") { s.notifyClamd = v } else { ok = false } }
        if let t = f["checks"] { if let v = int(t, "checks", 1...50) { s.checksPerDay = v } else { ok = false } }
        return ok ? .some(s) : nil
    }

    mutating func contentFilter(_ raw: RawSection?) -> ContentFilter?? {
        guard raw != nil else { return .some(nil) }
        let f = fields(raw, "content-filter")
        let listen = f["listen"].flatMap { endpoint($0, "listen") }
        let reinject = f["reinject"].flatMap { endpoint($0, "reinject") }
        var maxServers: Int? = 2
        if let t = f["max-servers"] { maxServers = int(t, "max-servers", 1...100) }
        guard let listen, let reinject, let maxServers else { return nil }
        return .some(ContentFilter(listen: listen, reinject: reinject, maxServers: maxServers))
    }

    mutating func spamassassin(_ raw: RawSection?) -> SpamAssassin?? {
        guard raw != nil else { return .some(nil) }
        let f = fields(raw, "spamassassin")
        var s = SpamAssassin()
        var ok = true
        if let t = f["required-score"] {
            if t.text.count <= 8, t.text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
               let v = Double(t.text), v.isFinite, (-100...100).contains(v) {
                s.requiredScore = v
            } else {
                ok = false
                error(.invalidValue, "`required-score` must be a number from -100 to 100, not `\(t.text)`", t.span,
                      fix: "write e.g. `5.0`")
            }
        }
        if let t = f["bayes"] { if let v = bool(t, "bayes") { s.bayes = v } else { ok = false } }
        return ok ? .some(s) : nil
    }

    mutating func restrictions(_ raw: RawSection?) -> RestrictionOverrides? {
        let f = fields(raw, "restrictions")
        var r = RestrictionOverrides()
        var ok = true
        func list(_ key: String, _ reader: inout ModelReader) -> [String]?? {
            guard let t = f[key] else { return .some(nil) }
            return reader.items(t, "restrictions.\(key)") { rd, item in rd.restriction(item) }.map { .some($0) }
        }
        if let v = list("client", &self) { r.client = v } else { ok = false }
        if let v = list("helo", &self) { r.helo = v } else { ok = false }
        if let v = list("sender", &self) { r.sender = v } else { ok = false }
        if let v = list("recipient", &self) { r.recipient = v } else { ok = false }
        if let v = list("relay", &self) { r.relay = v } else { ok = false }
        return ok ? r : nil
    }

    /// One restriction with its arguments: a lower-case name, then map or service arguments;
    /// `$` would be expanded by Postfix and is refused.
    mutating func restriction(_ t: Token) -> String? {
        guard let s = text(t, "restrictions") else { return nil }
        let name = s.prefix { $0 != " " && $0 != "\t" }
        guard name.allSatisfy({ ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }) else {
            error(.invalidValue, "`\(name)` is not a restriction name", t.span, fix: "write e.g. `reject_unauth_destination`")
            return nil
        }
        return s
    }
}
