import Diagnostics
import MapBuilder
import PostfixConfig

/// `[gateway]`, `[relay]`, `[recipients]`, `[aliases]`, `[local]`.
extension ModelReader {
    mutating func identity(_ raw: RawSection?) -> Identity? {
        let f = fields(raw, "gateway")
        guard raw != nil else {
            missingSection("gateway", fix: "add `[gateway]` with `hostname` and `domain`")
            return nil
        }
        let hostname = f["hostname"].flatMap { domain($0, "hostname", fqdn: true) }
        let domainName = f["domain"].flatMap { domain($0, "domain", fqdn: true) }
        guard let hostname, let domainName else {
            _ = identityOptions(f)
            return nil
        }
        var id = Identity(hostname: hostname, domain: domainName)
        return identityOptions(f, into: &id) ? id : nil
    }

    /// The optional `[gateway]` keys; false when one is invalid (all are still checked).
    mutating func identityOptions(_ f: Fields) -> Bool {
        var scratch = Identity(hostname: DomainName.example, domain: DomainName.example)
        return identityOptions(f, into: &scratch)
    }

    mutating func identityOptions(_ f: Fields, into id: inout Identity) -> Bool {
        var ok = true
        if let t = f["platform"] {
            if let p = Platform(rawValue: t.text.lowercased()) { id.platform = p } else {
                ok = false
                let fix = Suggest.closest(to: t.text, in: Platform.allCases.map(\.rawValue)).map { "did you mean `\($0)`?" }
                    ?? "use `freebsd` or `debian`"
                error(.invalidValue, "unknown platform `\(t.text)`", t.span, fix: fix)
            }
        }
        if let t = f["postfix"] {
            if let v = PostfixVersion(t.text) { id.postfix = v } else {
                ok = false
                error(.invalidValue, "`\(t.text)` is not a Postfix version", t.span, fix: "write e.g. `2.8` or `3.7`")
            }
        }
        if let t = f["public-ip"] { if let a = ip(t, "public-ip") { id.publicIP = a } else { ok = false } }
        if let t = f["listen-ip"] { if let a = ip(t, "listen-ip") { id.listenIP = a } else { ok = false } }
        if let t = f["loopback"] { if let b = bool(t, "loopback") { id.loopback = b } else { ok = false } }
        if let t = f["message-size-limit"] { if let s = size(t, "message-size-limit") { id.messageSizeLimit = s } else { ok = false } }
        if let t = f["banner"] { if let s = text(t, "banner") { id.banner = s } else { ok = false } }
        if let t = f["table-type"] { if let type = tableType(t, id) { id.tableType = type } else { ok = false } }
        return ok
    }

    /// `table-type`: one of TableType.choices that the target's Postfix can open.
    mutating func tableType(_ t: Token, _ id: Identity) -> MapType? {
        let names = TableType.choices.map(\.rawValue)
        guard let type = MapType(rawValue: t.text.lowercased()), TableType.choices.contains(type) else {
            let fix = Suggest.closest(to: t.text, in: names).map { "did you mean `\($0)`?" }
                ?? "use one of " + names.map { "`\($0)`" }.joined(separator: ", ")
            error(.invalidValue, "unknown table type `\(t.text)`", t.span, fix: fix)
            return nil
        }
        if let why = TableType.problem(type, platform: id.platform, postfix: id.postfix) {
            let fallback = TableType.defaultType(platform: id.platform, postfix: id.postfix).rawValue
            error(.invalidValue, why, t.span, fix: "use `\(fallback)`, \(id.platform.rawValue)'s default for Postfix \(id.postfix)")
            return nil
        }
        return type
    }

    mutating func relay(_ raw: RawSection?) -> Relay? {
        let f = fields(raw, "relay")
        guard raw != nil else {
            missingSection("relay", fix: "add `[relay]` with `domains` and `mail-server`")
            return nil
        }
        var domains: [DomainName]?
        if let t = f["domains"] {
            domains = items(t, "relay.domains") { r, item in r.domain(item, "domains", fqdn: true) }
            if domains?.isEmpty == true {
                error(.invalidValue, "`domains` lists no domain", t.span, fix: "list the domains this gateway accepts mail for")
                domains = nil
            }
        }
        let hop = f["mail-server"].flatMap { nextHop($0) }
        var trusted: [CIDR]? = []
        if let t = f["trusted"] { trusted = items(t, "relay.trusted") { r, item in r.cidr(item, "trusted") } }
        guard let domains, let hop, let trusted else { return nil }
        return Relay(domains: domains, mailServer: hop, trusted: trusted)
    }

    /// A required section is absent, unless a broken or misspelt header already explains why.
    mutating func missingSection(_ name: String, fix: String) {
        guard let maybe = possiblyPresent, !maybe.contains(name) else { return }
        error(.missingKey, "missing section `[\(name)]`", .file(file), fix: fix)
    }

    /// `mail.example.com`, `mail.example.com:2525`, `[192.0.2.4]`, `[2001:db8::4]:25`. The
    /// transport always gets `[host]`: the inside server is reached directly, never by MX.
    mutating func nextHop(_ t: Token) -> NextHop? {
        guard let t = nonEmpty(t, "mail-server") else { return nil }
        if let e = try? Endpoint(parsing: t.text) { return NextHop(host: e.host, port: e.port) }
        do {
            let e = try Endpoint(parsing: t.text, defaultPort: 25)
            return NextHop(host: e.host)
        } catch {
            switch error {
            case .badPort: self.error(.invalidValue, "port out of range in `\(t.text)`", t.span, fix: "use a port from 1 to 65535")
            default: self.error(.invalidValue, "`\(t.text)` is not a host name or IP address", t.span,
                                fix: "write the inside mail server as `mail.example.com` or `[192.0.2.4]`, optionally `:PORT`")
            }
            return nil
        }
    }

    mutating func recipients(_ raw: RawSection?) -> Recipients? {
        guard let raw else { return .inline([]) }
        var fileEntry: RawEntry?
        var items: [RawEntry] = []
        for e in raw.entries {
            if let key = e.key {
                guard key.text == "file" else {
                    let fix = Suggest.closest(to: key.text, in: ["file"]).map { "did you mean `\($0)`?" }
                        ?? "list one address per line, or write `file = PATH`"
                    error(.unknownKey, "unknown key `\(key.text)` in `[recipients]`", key.span, fix: fix)
                    continue
                }
                if let first = fileEntry?.key {
                    error(.duplicateKey, "duplicate key `file` in `[recipients]`", key.span,
                          notes: [.init("first set here", at: first.span)], fix: "remove one of the two lines")
                    continue
                }
                fileEntry = e
            } else {
                items.append(e)
            }
        }
        if let fe = fileEntry, let value = fe.value {
            spans["recipients.file"] = value.span
            if let first = items.first {
                error(.invalidValue, "`[recipients]` holds both `file =` and inline addresses", first.line.span,
                      notes: [.init("file set here", at: value.span)], fix: "move the addresses into the file, or drop `file =`")
                return nil
            }
            guard let p = path(value, "file", absolute: false) else { return nil }
            let resolved = p.hasPrefix("/") || baseDirectory.isEmpty ? p : baseDirectory + "/" + p
            guard readFiles else { return .file(path: resolved) }
            var diags: [Diagnostic] = []
            RecipientFile.validate(path: resolved, reference: value, diagnostics: &diags)
            diagnostics += diags
            return diags.contains { $0.severity == .error } ? nil : .file(path: resolved)
        }
        var out: [EmailAddress] = []
        var seen: [EmailAddress: SourceSpan] = [:]
        var ok = true
        for (i, e) in items.enumerated() {
            spans["recipients[\(i)]"] = e.line.span
            guard let a = address(e.line, "recipients") else { ok = false; continue }
            if let first = seen[a] {
                error(.duplicateKey, "duplicate recipient `\(a)`", e.line.span, notes: [.init("first listed here", at: first)],
                      fix: "remove the second line")
                continue
            }
            seen[a] = e.line.span
            out.append(a)
        }
        return ok ? .inline(out) : nil
    }

    /// Data entries of a map section (keys are data), with duplicates reported; fixed keys come
    /// back separately through `fields`.
    mutating func mapEntries(_ raw: RawSection?, _ name: String, allowBare: Bool = false,
                             isData: (String) -> Bool = { _ in true }) -> (Fields, [RawEntry]) {
        guard let raw, let schema = SectionSchema.section(name) else { return (Fields(section: name), []) }
        var fixed: [RawEntry] = []
        var data: [RawEntry] = []
        var seen: [String: SourceSpan] = [:]
        for e in raw.entries {
            guard let key = e.key else { continue }
            if e.value != nil, schema.keys.contains(key.text) { fixed.append(e); continue }
            guard !key.text.isEmpty else {
                error(.missingEquals, "missing key before `=`", e.line.span, fix: "write `key = value`")
                continue
            }
            if e.value == nil, !allowBare {
                error(.missingEquals, "expected `key = value` in `[\(name)]`", e.line.span,
                      fix: "write `\(key.text) = VALUE`")
                continue
            }
            guard isData(key.text) else {
                let fix = Suggest.closest(to: key.text, in: schema.keys).map { "did you mean `\($0)`?" }
                error(.unknownKey, "unknown key `\(key.text)` in `[\(name)]`", key.span, fix: fix)
                continue
            }
            let folded = key.text.lowercased()
            if let first = seen[folded] {
                error(.duplicateKey, "duplicate key `\(key.text)` in `[\(name)]`", key.span,
                      notes: [.init("first set here", at: first)], fix: "remove one of the two lines")
                continue
            }
            seen[folded] = key.span
            data.append(e)
        }
        return (fields(raw, name, entries: fixed), data)
    }

    mutating func aliases(_ raw: RawSection?) -> [Alias]? {
        let (_, entries) = mapEntries(raw, "aliases")
        var out: [Alias] = []
        var ok = true
        for (i, e) in entries.enumerated() {
            guard let key = e.key, let value = e.value else { continue }
            record("aliases[\(i)]", e)
            let nameOK = key.text.contains("@") ? address(key, "aliases") != nil : localPart(key)
            guard nameOK, let target = address(value, key.text) else { ok = false; continue }
            out.append(Alias(name: key.text.lowercased(), target: target))
        }
        return ok ? out : nil
    }

    mutating func localPart(_ t: Token) -> Bool {
        guard !t.text.isEmpty, t.text.utf8.count <= 64,
              t.text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f && $0 != "\"" && $0 != "," && $0 != "$" && $0 != ":" })
        else {
            error(.invalidValue, "`\(t.text)` is not a local part or address", t.span, fix: "write `postmaster` or `postmaster@example.com`")
            return false
        }
        return true
    }

    mutating func local(_ raw: RawSection?) -> LocalDelivery? {
        let f = fields(raw, "local")
        var l = LocalDelivery()
        var ok = true
        if let t = f["delivery"] { if let b = bool(t, "delivery") { l.enabled = b } else { ok = false } }
        if let t = f["message"] { if let m = text(t, "message") { l.message = m } else { ok = false } }
        return ok ? l : nil
    }

    /// Spans for a map entry: the line, its key and its value.
    mutating func record(_ path: String, _ e: RawEntry) {
        spans[path] = e.line.span
        if let k = e.key { spans[path + ".key"] = k.span }
        if let v = e.value { spans[path + ".value"] = v.span }
    }
}

extension DomainName {
    /// A syntactically valid stand-in, used only to check optional keys when a required one failed.
    static var example: DomainName { (try? DomainName("example.invalid")) ?? DomainName(unchecked: "example.invalid") }
}
