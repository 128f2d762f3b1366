import PostfixConfig

/// Table-driven restrictions: access(5) key order and check_table_result().
extension RestrictionEvaluator {
    /// A key and whether it is a partial key (parent domain, address prefix, `user@`):
    /// regular-expression tables only ever see full keys.
    typealias Key = (key: String, partial: Bool)

    func tableCheck(_ state: inout CheckState, _ label: String, _ reference: String?, suspicious: Bool = false,
                    keys: (LookupTable) -> [Key], replyName: () -> String, replyClass: () -> String) -> CheckStatus {
        guard let reference, let table = context.tables.table(reference) else {
            state.notEvaluated.append(NotEvaluated(restriction: label, reason: "table `\(reference ?? "")` cannot be read",
                                                   alternative: nil))
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [], result: "not evaluated", reply: nil))
            return .dunno
        }
        var tried: [String] = []
        for (key, partial) in keys(table) {
            if partial && table.kind == .regex { continue }
            let folded = table.kind == .fixed ? key.lowercased() : key
            tried.append(folded)
            guard let value = table.lookup(folded) else { continue }
            var status = checkTableResult(&state, label, value, lookups: tried, replyName: replyName(),
                                          replyClass: replyClass(), defaultACL: nil)
            if status == .ok && suspicious { status = .dunno }
            return status
        }
        state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: tried, result: "DUNNO", reply: nil))
        return .dunno
    }

    /// check_table_result(): what an access(5) value means.
    func checkTableResult(_ state: inout CheckState, _ label: String, _ value: String, lookups: [String],
                          replyName: String, replyClass: String, defaultACL: String?) -> CheckStatus {
        let command = String(value.prefix { $0 != " " && $0 != "\t" })
        let text = String(value.dropFirst(command.count).drop { $0 == " " || $0 == "\t" })
        let upper = command.uppercased()
        func step(_ result: String) { state.trace.append(TraceStep(list: state.currentList, restriction: label,
                                                                   lookups: lookups, result: result, reply: nil)) }
        switch upper {
        case "DUNNO":
            step("DUNNO \(value)")
            return .dunno
        case "REJECT", "DEFER":
            let (dsn, message) = Self.splitDSN(text, default: upper == "REJECT" ? "5.7.1" : "4.7.1")
            let code = upper == "REJECT" ? context.int("access_map_reject_code", 554) : context.int("access_map_defer_code", 450)
            return reject(&state, code, Self.fixDSN(dsn, replyClass: replyClass),
                          "<\(replyName)>: \(replyClass) rejected: \(message.isEmpty ? "Access denied" : message)",
                          restriction: label, lookups: lookups)
        case "DEFER_IF_PERMIT", "DEFER_IF_REJECT":
            let (dsn, message) = Self.splitDSN(text, default: "4.7.1")
            let reason = "<\(replyName)>: \(replyClass) rejected: \(message.isEmpty ? "Service unavailable" : message)"
            if upper == "DEFER_IF_PERMIT" {
                deferIfPermit(&state, 450, Self.fixDSN(dsn, replyClass: replyClass), reason, restriction: label, lookups: lookups)
            } else {
                deferIfReject(&state, 450, Self.fixDSN(dsn, replyClass: replyClass), reason, restriction: label)
            }
            return .dunno
        case "WARN", "INFO", "FILTER", "HOLD", "REDIRECT", "BCC", "PREPEND":
            step(value)
            return .dunno
        case "DISCARD":
            step("DISCARD")
            state.discard = true
            return .ok
        case "OK", "RELAY":
            step(upper)
            return .ok
        default:
            break
        }
        if !value.isEmpty, value.allSatisfy(\.isNumber) {
            step("OK (all-numeric \(value))")
            return .ok
        }
        if command.count == 3, !text.isEmpty, let first = command.first, first == "4" || first == "5",
           command.dropFirst().allSatisfy(\.isNumber), let code = Int(command) {
            let (dsn, message) = Self.splitDSN(text, default: "\(first).7.1")
            return reject(&state, code, Self.fixDSN(dsn, replyClass: replyClass),
                          "<\(replyName)>: \(replyClass) rejected: \(message.isEmpty ? "Access denied" : message)",
                          restriction: label, lookups: lookups)
        }
        if value.contains(":") || state.recursion > 100 {
            return reject(&state, 451, "4.3.5", "Server configuration error", restriction: label, lookups: lookups,
                          softwareError: true)
        }
        let list = PostfixList.split(value)
        if list.isEmpty {
            step("OK (empty value)")
            return .ok
        }
        step("restrictions \(value)")
        return genericChecks(&state, list, replyName: replyName, replyClass: replyClass, defaultACL: defaultACL)
    }

    // MARK: - Key sequences (smtpd_check.c check_namadr_access, check_domain_access, check_mail_access)

    var accessParentStyle: Bool { context.parentStyle("smtpd_access_maps") }

    /// The name and its parent domains; a numeric name gets no parents.
    func domainKeys(_ domain: String, table: LookupTable) -> [Key] {
        let name = domain.lowercased()
        var keys: [Key] = [(name, false)]
        if HostnameRules.validHostaddr(name) { return keys }
        var rest = Substring(name)
        while let dot = rest.dropFirst().firstIndex(of: ".") {
            rest = accessParentStyle ? rest[rest.index(after: dot)...] : rest[dot...]
            if rest.isEmpty || rest == "." { break }
            keys.append((String(rest), true))
        }
        return keys
    }

    /// Client name (or `unknown`) and parents, then the address and its prefixes.
    func clientKeys(_ tx: Transaction, table: LookupTable) -> [Key] {
        var keys = domainKeys(tx.clientName ?? "unknown", table: table)
        let address = tx.clientAddress.lowercased()
        let delimiter: Character = address.contains(":") ? ":" : "."
        var current = Substring(address)
        keys.append((String(current), false))
        while let cut = current.lastIndex(of: delimiter) {
            current = current[..<cut]
            if current.isEmpty { break }
            keys.append((String(current), true))
        }
        return keys
    }

    /// user+ext@domain, user@domain, domain and parents, user+ext@, user@.
    func mailKeys(_ address: String, table: LookupTable) -> [Key] {
        let resolved = resolver.resolve(address)
        let delimiters = context.value("recipient_delimiter")
        var keys: [Key] = [(resolved.address, false)]
        let bare = delimiters.isEmpty ? nil : Self.stripExtension(address.lowercased(), delimiters: delimiters)
        if let bare, bare != address.lowercased() { keys.append((bare, true)) }
        keys += domainKeys(resolved.domain, table: table).map { ($0.key, true) }
        keys.append((resolved.localPart + "@", true))
        if let bare, bare != address.lowercased(), let at = bare.lastIndex(of: "@") {
            keys.append((String(bare[...at]), true))
        }
        return keys
    }

    static func stripExtension(_ address: String, delimiters: String) -> String {
        let at = address.lastIndex(of: "@") ?? address.endIndex
        let local = address[..<at]
        guard let cut = local.firstIndex(where: { delimiters.contains($0) }), cut != local.startIndex else { return address }
        return String(local[..<cut]) + address[at...]
    }

    /// mail_addr_find(): full address, unextended address, local part (only for a local domain or
    /// $myorigin), @domain.
    func addressFind(_ references: [String], _ resolved: AddressResolver.Resolved, state: inout CheckState,
                     restriction: String) -> Bool {
        let delimiters = context.value("recipient_delimiter")
        let full = resolved.address
        let bare = delimiters.isEmpty ? full : Self.stripExtension(full, delimiters: delimiters)
        var keys: [Key] = [(full, false)]
        if bare != full { keys.append((bare, true)) }
        if resolver.isLocal(resolved.domain) || resolved.domain == context.value("myorigin").lowercased() {
            keys.append((resolved.localPart, true))
            if let at = bare.lastIndex(of: "@"), bare != full { keys.append((String(bare[..<at]), true)) }
        }
        keys.append(("@" + resolved.domain, true))
        let tables = references.map { ($0, context.tables.table($0)) }
        for (key, partial) in keys {
            for (reference, table) in tables {
                guard let table else {
                    state.notEvaluated.append(NotEvaluated(restriction: restriction,
                                                           reason: "table `\(reference)` cannot be read; assumed to list the address",
                                                           alternative: nil))
                    return true
                }
                if partial && table.kind == .regex { continue }
                if table.lookup(key) != nil { return true }
            }
        }
        return false
    }
}
