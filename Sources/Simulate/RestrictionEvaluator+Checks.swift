import ConfigModel

/// Address, hostname, DNS and policy restrictions.
extension RestrictionEvaluator {
    func invalidHostaddr(_ state: inout CheckState, _ helo: String, _ label: String) -> CheckStatus {
        var inner = Substring(helo)
        if inner.hasPrefix("["), inner.hasSuffix("]"), inner.count > 2 { inner = inner.dropFirst().dropLast() }
        if inner.lowercased().hasPrefix("ipv6:") { inner = inner.dropFirst(5) }
        if IPAddress(inner) != nil {
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [], result: "DUNNO", reply: nil))
            return .dunno
        }
        return reject(&state, context.int("invalid_hostname_reject_code", 501), "5.5.2",
                      "<\(helo)>: Helo command rejected: invalid ip address", restriction: label)
    }

    func nonFQDNAddress(_ state: inout CheckState, _ address: String, _ replyClass: String, _ label: String) -> CheckStatus {
        let domain = address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) } ?? ""
        let name = HostnameRules.truncateDot(domain)
        if domain.hasPrefix("[") && domain.hasSuffix("]") || (!name.isEmpty && HostnameRules.validHostname(name) && name.contains(".")) {
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [], result: "DUNNO", reply: nil))
            return .dunno
        }
        return reject(&state, context.int("non_fqdn_reject_code", 504), "4.5.2",
                      "<\(address)>: \(replyClass) rejected: need fully-qualified address", restriction: label)
    }

    func unknownAddress(_ state: inout CheckState, _ address: String, _ replyClass: String, _ label: String) -> CheckStatus {
        let resolved = resolver.resolve(address)
        let domain = resolved.domain
        if resolved.isFinal || domain.isEmpty || domain.hasPrefix("[") {
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [], result: "DUNNO", reply: nil))
            return .dunno
        }
        return dnsHostCheck(&state, label, name: domain, code: context.int("unknown_address_reject_code", 450),
                            dsn: replyClass == Self.sender ? "4.1.8" : "4.1.2",
                            text: "<\(address)>: \(replyClass) rejected: Domain not found")
    }

    /// A name must have an A, AAAA or MX record: answered by the fixture, else not evaluated.
    func dnsHostCheck(_ state: inout CheckState, _ label: String, name: String, code: Int, dsn: String,
                      text: String) -> CheckStatus {
        guard let dns = context.dns else {
            let alternative = SimulatedReply(code: code, enhancedStatus: String(code / 100) + dsn.dropFirst(), text: text)
            state.notEvaluated.append(NotEvaluated(restriction: label, reason: "needs DNS (\(name))", alternative: alternative))
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [name],
                                         result: "not evaluated (needs DNS)", reply: nil))
            return .dunno
        }
        if dns.hasAddressOrMX(name) {
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [name], result: "DUNNO", reply: nil))
            return .dunno
        }
        return reject(&state, code, dsn, text, restriction: label, lookups: [name])
    }

    func permitAuthDestination(_ recipient: String) -> Bool {
        let resolved = resolver.resolve(recipient)
        if resolved.domain.isEmpty { return true }
        if resolved.routed && !context.bool("allow_untrusted_routing") { return false }
        return resolved.isFinal || resolved.addressClass == .relay
    }

    /// check_rcpt_maps(): the recipient must exist in the table of its address class.
    func recipientMaps(_ state: inout CheckState, _ recipient: String, _ label: String) -> CheckStatus {
        let resolved = resolver.resolve(recipient)
        let rc = Self.recipient
        let aliasMaps = context.items("recipient_canonical_maps") + context.items("canonical_maps")
            + context.items("virtual_alias_maps")
        if !aliasMaps.isEmpty, addressFind(aliasMaps, resolved, state: &state, restriction: label) {
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [resolved.address],
                                         result: "OK (alias or canonical map)", reply: nil))
            return .dunno
        }
        if resolved.transport == "error" || resolved.transport == "retry" {
            let retry = resolved.transport == "retry"
            let (dsn, text) = Self.splitDSN(resolved.nexthop, default: retry ? "4.1.1" : "5.1.1")
            let code = retry ? 450 : (resolved.addressClass == .alias ? context.int("unknown_virtual_alias_reject_code", 550) : 550)
            return reject(&state, code, Self.fixDSN(dsn, replyClass: rc), "<\(recipient)>: \(rc) rejected: \(text)",
                          restriction: label)
        }
        // The table of each address class: (lookup maps, reject code parameter, table name).
        let table: (maps: String, code: String, name: String)?
        switch resolved.addressClass {
        case .local: table = ("local_recipient_maps", "unknown_local_recipient_reject_code", "local recipient table")
        case .virtual: table = ("virtual_mailbox_maps", "unknown_virtual_mailbox_reject_code", "virtual mailbox table")
        case .relay: table = ("relay_recipient_maps", "unknown_relay_recipient_reject_code", "relay recipient table")
        case .alias, .default: table = nil
        }
        // Local mail to the double-bounce sender, postmaster and mailer-daemon is never refused.
        let local = resolved.localPart.lowercased()
        let exempt = resolved.addressClass == .local
            && [context.value("double_bounce_sender").lowercased(), "postmaster", "mailer-daemon"].contains(local)
        if let table, !exempt {
            let maps = context.items(table.maps)
            if !maps.isEmpty, !addressFind(maps, resolved, state: &state, restriction: label) {
                let showTable = context.value("show_user_unknown_table_name").lowercased() != "no"
                return reject(&state, context.int(table.code, 550), "5.1.1",
                              "<\(recipient)>: \(rc) rejected: User unknown\(showTable ? " in \(table.name)" : "")",
                              restriction: label, lookups: [resolved.address])
            }
        }
        state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [resolved.address],
                                     result: "DUNNO", reply: nil))
        return .dunno
    }

    /// reject_rbl_client ZONE[=ADDRESS-PATTERN].
    func rblClient(_ state: inout CheckState, _ argument: String, _ label: String) -> CheckStatus {
        let address = state.transaction.clientAddress
        let parts = argument.split(separator: "=", maxSplits: 1)
        let zone = String(parts.first ?? "")
        let filter = parts.count == 2 ? String(parts[1]) : nil
        guard !address.contains(":") else { return .dunno }
        let query = DNSFixture.reversedQuery(address, zone: zone.lowercased())
        func reply(_ txt: String?) -> SimulatedReply {
            let code = context.int("maps_rbl_reject_code", 554)
            let reason = txt.map { "; \($0)" } ?? ""
            return SimulatedReply(code: code, enhancedStatus: "\(code / 100).7.1",
                                  text: "Service unavailable; Client host [\(address)] blocked using \(zone)\(reason)")
        }
        let customTemplate = !context.items("rbl_reply_maps").isEmpty
            || context.parameters.isExplicit("default_rbl_reply")
        guard let dns = context.dns else {
            state.notEvaluated.append(NotEvaluated(restriction: label, reason: "needs DNS (\(query))",
                                                   alternative: customTemplate ? nil : reply(nil)))
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [query],
                                         result: "not evaluated (needs DNS)", reply: nil))
            return .dunno
        }
        let answers = dns.answers(query, "A")
        let listed = !answers.isEmpty && (filter.map { f in answers.contains { Self.addressPatternMatches(f, $0) } } ?? true)
        guard listed else {
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: [query], result: "DUNNO", reply: nil))
            return .dunno
        }
        if customTemplate {
            state.notEvaluated.append(NotEvaluated(restriction: label, reason: "custom RBL reply template", alternative: nil))
        }
        let r = reply(dns.answers(query, "TXT").first)
        return reject(&state, r.code, "4.7.1", r.text, restriction: label, lookups: [query])
    }

    /// `127.0.0.[2..11]`, `127.0.0.[2;4]`, `127.0.0.2`.
    static func addressPatternMatches(_ pattern: String, _ address: String) -> Bool {
        var p: [Substring] = []
        var start = pattern.startIndex, depth = 0
        for i in pattern.indices {
            let c = pattern[i]
            if c == "[" { depth += 1 } else if c == "]" { depth -= 1 } else if c == ".", depth == 0 {
                p.append(pattern[start..<i])
                start = pattern.index(after: i)
            }
        }
        p.append(pattern[start...])
        let a = address.split(separator: ".", omittingEmptySubsequences: false)
        guard p.count == a.count, p.count == 4 else { return pattern == address }
        for (pp, aa) in zip(p, a) {
            guard let value = Int(aa) else { return false }
            if pp.hasPrefix("["), pp.hasSuffix("]") {
                let body = pp.dropFirst().dropLast()
                let ok = body.split(separator: ";").contains { item in
                    let range = item.split(separator: "..", omittingEmptySubsequences: false)
                    if range.count == 2, let lo = Int(range[0]), let hi = Int(range[1]) { return (lo...hi).contains(value) }
                    return Int(item) == value
                }
                if !ok { return false }
            } else if Int(pp) != value {
                return false
            }
        }
        return true
    }

    /// check_policy_service: a fixture answer, postgrey's greylisting, or not evaluated.
    func policyService(_ state: inout CheckState, _ endpoint: String, _ label: String, replyName: String,
                       replyClass: String, defaultACL: String?) -> CheckStatus {
        let tx = state.transaction
        if let action = context.dns?.policyActions[endpoint] {
            return checkTableResult(&state, label, action, lookups: ["policy query"], replyName: replyName,
                                    replyClass: replyClass, defaultACL: defaultACL)
        }
        if context.isPostgrey(endpoint) {
            let recipient = state.recipient ?? ""
            let local = recipient.split(separator: "@").first.map { $0.lowercased() } ?? ""
            if tx.greylistKnown || Postgrey.whitelistedRecipientLocalParts.contains(local) {
                state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: ["policy query"],
                                             result: tx.greylistKnown ? "DUNNO (triplet known)" : "DUNNO (whitelisted recipient)",
                                             reply: nil))
                return .dunno
            }
            return checkTableResult(&state, label, Postgrey.greylistAction(recipient: recipient), lookups: ["policy query"],
                                    replyName: replyName, replyClass: replyClass, defaultACL: defaultACL)
        }
        let reason = context.isPolicydWeight(endpoint) ? "needs policyd-weight's DNS-based score"
            : "needs the policy service's answer"
        state.notEvaluated.append(NotEvaluated(restriction: label, reason: reason, alternative: nil))
        state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: ["policy query"],
                                     result: "not evaluated (assumed DUNNO)", reply: nil))
        return .dunno
    }
}

/// What postgrey (Debian's 1.37) answers on first sight of a triplet.
enum Postgrey {
    /// /etc/postgrey/whitelist_recipients ships `postmaster@` and `abuse@`.
    static let whitelistedRecipientLocalParts: Set<String> = ["postmaster", "abuse"]

    /// The action postgrey gives smtpd (seen against Postfix 3.7: `450 4.2.0 ... Greylisted, see
    /// http://postgrey.schweikert.ch/help/DOMAIN.html`, the domain as the client wrote it).
    static func greylistAction(recipient: String) -> String {
        let domain = recipient.split(separator: "@").last.map(String.init) ?? recipient
        return "DEFER_IF_PERMIT 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/\(domain).html"
    }
}

/// valid_hostname() / valid_hostaddr() from src/util/valid_hostname.c.
public enum HostnameRules {
    static func truncateDot(_ name: String) -> String {
        name.count > 1 && name.hasSuffix(".") && !name.hasSuffix("..") ? String(name.dropLast()) : name
    }

    public static func validHostname(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255 else { return false }
        var nonNumeric = false
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63, label.first != "-", label.last != "-" else { return false }
            for c in label {
                guard c.isASCII, c.isLetter || c.isNumber || c == "-" || c == "_" else { return false }
                if !c.isNumber { nonNumeric = true }
            }
        }
        return nonNumeric
    }

    static func validHostaddr(_ name: String) -> Bool {
        IPAddress(name) != nil
    }
}
