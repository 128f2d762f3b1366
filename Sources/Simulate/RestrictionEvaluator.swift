import PostfixConfig
import ConfigModel

/// smtpd's generic_checks() and the restrictions it knows, over a `SimulationContext`.
/// Replies are formatted as smtpd_check_reject() formats them.
struct RestrictionEvaluator {
    let context: SimulationContext
    let resolver: AddressResolver

    /// Depth past which a class-only recursion is taken as smtpd's crash (see `evaluate`).
    static let classRecursionCrashDepth = 200

    /// What the simulator shows for a transaction smtpd cannot answer because it crashes.
    static func crashText(_ name: String) -> String {
        "smtpd crashes here (restriction class `\(name)` includes itself; Postfix 3.7 dies with SIGSEGV): the client sees the connection close"
    }

    static let client = "Client host", helo = "Helo command", sender = "Sender address",
               recipient = "Recipient address"

    init(context: SimulationContext) {
        self.context = context
        self.resolver = AddressResolver(context: context)
    }

    /// The status of a missing client name: X.7.25 (RFC 8601's reverse-DNS failure) from
    /// Postfix 3.6 on, X.7.1 before (seen: 450 4.7.25 from 3.7).
    var reverseDNSStatus: String {
        context.parameters.config.version >= PostfixVersion(3, 6) ? "4.7.25" : "4.7.1"
    }

    // MARK: - Replies

    /// smtpd_check_reject(): warn_if_reject, defer_if_reject, soft_bounce, DSN class = code class.
    func reject(_ state: inout CheckState, _ code: Int, _ dsn: String, _ text: String,
                restriction: String, lookups: [String] = [], softwareError: Bool = false) -> CheckStatus {
        var code = code, dsn = dsn, text = text
        if !(400...599).contains(code) || !Self.validDSN(dsn) {
            (code, dsn, text) = (450, "4.7.1", "Service unavailable")
        }
        let warn = state.warnIfReject != 0 && !softwareError
        if !warn, let deferral = state.deferIfReject, code >= 500 {
            state.warnIfReject = 0
            state.deferIfReject = nil
            return reject(&state, deferral.code, deferral.dsn, deferral.text, restriction: restriction, lookups: lookups)
        }
        if context.bool("soft_bounce"), code >= 500 { code -= 100 }
        dsn = String(code / 100) + dsn.dropFirst()
        let reply = SimulatedReply(code: code, enhancedStatus: dsn, text: Self.printable(text))
        state.trace.append(TraceStep(list: state.currentList, restriction: restriction, lookups: lookups,
                                     result: warn ? "reject_warning" : "REJECT", reply: reply))
        if warn { return .dunno }
        state.lastReply = reply
        return .reject
    }

    /// defer_if(): keep the first reason. With warn_if_reject a DEFER_IF_PERMIT logs instead.
    func deferIfPermit(_ state: inout CheckState, _ code: Int, _ dsn: String, _ text: String, restriction: String,
                       lookups: [String] = []) {
        if state.warnIfReject != 0 {
            _ = reject(&state, code, dsn, text, restriction: restriction, lookups: lookups)
            return
        }
        if state.deferIfPermit == nil { state.deferIfPermit = Deferral(code: code, dsn: dsn, text: text) }
        state.trace.append(TraceStep(list: state.currentList, restriction: restriction, lookups: lookups,
                                     result: "DEFER_IF_PERMIT", reply: nil))
    }

    func deferIfReject(_ state: inout CheckState, _ code: Int, _ dsn: String, _ text: String, restriction: String) {
        if state.deferIfReject == nil { state.deferIfReject = Deferral(code: code, dsn: dsn, text: text) }
        state.trace.append(TraceStep(list: state.currentList, restriction: restriction, lookups: [],
                                     result: "DEFER_IF_REJECT", reply: nil))
    }

    static func validDSN(_ dsn: String) -> Bool {
        let parts = dsn.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && (parts[0] == "4" || parts[0] == "5" || parts[0] == "2")
            && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }
    }

    /// Non-printable characters become spaces; at most 510 bytes including code and DSN.
    static func printable(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.asciiValue ?? 0) < 32 ? " " : $0 }.prefix(500))
    }

    /// dsn_split(): a leading `X.Y.Z` in `text` overrides `defaultDSN`.
    static func splitDSN(_ text: String, default defaultDSN: String) -> (String, String) {
        let word = text.prefix { $0 != " " }
        if validDSN(String(word)), let first = word.first, first == "4" || first == "5" || first == "2" {
            return (String(word), String(text.dropFirst(word.count).drop { $0 == " " || $0 == "\t" }))
        }
        return (defaultDSN, text)
    }

    /// smtpd_dsn_fix(): X.1.Y statuses follow the reply class (sender X.1.7/X.1.8, recipient X.1.1-3).
    static func fixDSN(_ dsn: String, replyClass: String) -> String {
        let parts = dsn.split(separator: ".")
        guard parts.count == 3, parts[1] == "1" else { return dsn }
        let senderDetail: [String: String] = ["1": "7", "2": "8", "3": "7", "4": "7", "5": "0", "6": "7", "7": "7", "8": "8"]
        let recipientDetail: [String: String] = ["1": "1", "2": "2", "3": "3", "4": "4", "5": "5", "6": "6", "7": "3", "8": "2"]
        let detail = String(parts[2])
        if replyClass == sender { return "\(parts[0]).1.\(senderDetail[detail] ?? detail)" }
        if replyClass == recipient { return "\(parts[0]).1.\(recipientDetail[detail] ?? detail)" }
        return "\(parts[0]).7.1"
    }

    // MARK: - generic_checks

    func genericChecks(_ state: inout CheckState, _ restrictions: [String], replyName: String,
                       replyClass: String, defaultACL: String?) -> CheckStatus {
        let savedRecursion = state.recursion
        state.recursion += 1
        defer { state.recursion = savedRecursion }
        var status = CheckStatus.dunno
        var index = 0
        while index < restrictions.count {
            if state.discard { break }
            var name = restrictions[index]
            if name.lowercased() == "warn_if_reject" {
                if state.warnIfReject == 0 { state.warnIfReject = state.recursion }
                index += 1
                continue
            }
            var argument: String?
            if name.contains(":") {
                guard let acl = defaultACL else {
                    return reject(&state, 451, "4.3.5", "Server configuration error", restriction: name, softwareError: true)
                }
                argument = name
                name = acl
            } else if Self.takesArgument(name.lowercased()), index + 1 < restrictions.count {
                index += 1
                argument = restrictions[index]
            }
            status = evaluate(&state, name, argument: argument, replyName: replyName, replyClass: replyClass,
                              defaultACL: defaultACL)
            if state.warnIfReject >= state.recursion { state.warnIfReject = 0 }
            if status != .dunno { break }
            if state.deferIfPermit != nil && state.deferIfReject != nil { break }
            index += 1
        }
        return status
    }

    /// Restrictions that look at the sender: before MAIL FROM they do nothing.
    static let needsSender: Set<String> = ["check_sender_access", "reject_non_fqdn_sender", "reject_unknown_sender_domain",
                                           "reject_unknown_address", "reject_multi_recipient_bounce"]

    static func takesArgument(_ name: String) -> Bool {
        name.hasPrefix("check_") && name != "check_relay_domains" && name != "check_recipient_maps"
            || ["reject_rbl_client", "reject_rbl", "reject_rhsbl_client", "reject_rhsbl_helo", "reject_rhsbl_sender",
                "reject_rhsbl_recipient", "reject_rhsbl_reverse_client", "permit_dnswl_client", "permit_rhswl_client",
                "reject_dnsbl_client"].contains(name)
    }

    // MARK: - One restriction

    private func evaluate(_ state: inout CheckState, _ name: String, argument: String?, replyName: String,
                          replyClass: String, defaultACL: String?) -> CheckStatus {
        let lower = name.lowercased()
        let tx = state.transaction
        if state.senderUnknown, Self.needsSender.contains(lower) {
            state.trace.append(TraceStep(list: state.currentList, restriction: argument.map { "\(name) \($0)" } ?? name,
                                         lookups: [], result: "DUNNO (no sender yet)", reply: nil))
            return .dunno
        }
        let label = argument.map { "\(name) \($0)" } ?? name
        func step(_ result: String, _ lookups: [String] = []) {
            state.trace.append(TraceStep(list: state.currentList, restriction: label, lookups: lookups,
                                         result: result, reply: nil))
        }
        func done(_ status: CheckStatus, _ lookups: [String] = []) -> CheckStatus {
            if status == .ok { step("OK", lookups) } else if status == .dunno { step("DUNNO", lookups) }
            return status
        }
        switch lower {
        case "permit":
            return done(.ok)
        case "reject":
            return reject(&state, context.int("reject_code", 554), "5.7.1",
                          "<\(replyName)>: \(replyClass) rejected: Access denied", restriction: label)
        case "defer":
            return reject(&state, context.int("defer_code", 450), "4.3.2",
                          "<\(replyName)>: \(replyClass) rejected: Try again later", restriction: label)
        case "defer_if_permit":
            deferIfPermit(&state, 450, "4.7.0", "<\(replyName)>: \(replyClass) rejected: defer_if_permit requested",
                          restriction: label)
            return .dunno
        case "defer_if_reject":
            deferIfReject(&state, 450, "4.7.0", "<\(replyName)>: \(replyClass) rejected: defer_if_reject requested",
                          restriction: label)
            return .dunno
        case "permit_mynetworks":
            let match = context.matchList("mynetworks").matchesHost(name: tx.clientName ?? "unknown", address: tx.clientAddress)
            return done(match ? .ok : .dunno)
        case "permit_inet_interfaces":
            return done(resolver.isLocal("[\(tx.clientAddress)]") ? .ok : .dunno)
        case "permit_sasl_authenticated":
            return done(context.bool("smtpd_sasl_auth_enable") && tx.saslUser != nil ? .ok : .dunno)
        case "reject_unknown_client_hostname", "reject_unknown_client":
            guard tx.clientName == nil else { return done(.dunno) }
            return reject(&state, context.int("unknown_client_reject_code", 450), reverseDNSStatus,
                          "Client host rejected: cannot find your hostname, [\(tx.clientAddress)]", restriction: label)
        case "reject_unknown_reverse_client_hostname":
            guard tx.clientName == nil else { return done(.dunno) }
            return reject(&state, context.int("unknown_client_reject_code", 450), reverseDNSStatus,
                          "Client host rejected: cannot find your reverse hostname, [\(tx.clientAddress)]", restriction: label)
        case "check_client_access":
            return tableCheck(&state, label, argument) { table in
                clientKeys(tx, table: table)
            } replyName: { tx.namaddr } replyClass: { Self.client }
        case "check_helo_access":
            guard let helo = tx.helo else { return done(.dunno) }
            return tableCheck(&state, label, argument) { table in
                domainKeys(helo, table: table)
            } replyName: { helo } replyClass: { Self.helo }
        case "check_sender_access":
            if tx.sender.isEmpty {
                let key = context.value("smtpd_null_access_lookup_key")
                return tableCheck(&state, label, argument) { _ in [(key.isEmpty ? "<>" : key, false)] }
                    replyName: { "" } replyClass: { Self.sender }
            }
            return tableCheck(&state, label, argument, suspicious: false) { table in
                mailKeys(tx.sender, table: table)
            } replyName: { tx.sender } replyClass: { Self.sender }
        case "check_recipient_access":
            guard let rcpt = state.recipient else { return done(.dunno) }
            let routed = resolver.resolve(rcpt).routed && !context.bool("allow_untrusted_routing")
            return tableCheck(&state, label, argument, suspicious: routed) { table in
                mailKeys(rcpt, table: table)
            } replyName: { rcpt } replyClass: { Self.recipient }
        case "reject_invalid_helo_hostname", "reject_invalid_hostname":
            guard let helo = tx.helo else { return done(.dunno) }
            if helo.hasPrefix("[") { return invalidHostaddr(&state, helo, label) }
            let name = HostnameRules.truncateDot(helo)
            if HostnameRules.validHostname(name) || HostnameRules.validHostaddr(name) { return done(.dunno) }
            return reject(&state, context.int("invalid_hostname_reject_code", 501), "5.5.2",
                          "<\(helo)>: Helo command rejected: Invalid name", restriction: label)
        case "reject_non_fqdn_helo_hostname", "reject_non_fqdn_hostname":
            guard let helo = tx.helo else { return done(.dunno) }
            if helo.hasPrefix("[") { return invalidHostaddr(&state, helo, label) }
            let name = HostnameRules.truncateDot(helo)
            if HostnameRules.validHostname(name), name.contains(".") { return done(.dunno) }
            return reject(&state, context.int("non_fqdn_reject_code", 504), "5.5.2",
                          "<\(helo)>: Helo command rejected: need fully-qualified hostname", restriction: label)
        case "reject_unknown_helo_hostname", "reject_unknown_hostname":
            guard let helo = tx.helo else { return done(.dunno) }
            if helo.hasPrefix("[") { return invalidHostaddr(&state, helo, label) }
            return dnsHostCheck(&state, label, name: HostnameRules.truncateDot(helo),
                                code: context.int("unknown_hostname_reject_code", 450), dsn: "4.7.1",
                                text: "<\(helo)>: Helo command rejected: Host not found")
        case "reject_non_fqdn_sender":
            guard !tx.sender.isEmpty else { return done(.dunno) }
            return nonFQDNAddress(&state, tx.sender, Self.sender, label)
        case "reject_non_fqdn_recipient":
            guard let rcpt = state.recipient else { return done(.dunno) }
            return nonFQDNAddress(&state, rcpt, Self.recipient, label)
        case "reject_unknown_sender_domain", "reject_unknown_address":
            guard !tx.sender.isEmpty else { return done(.dunno) }
            return unknownAddress(&state, tx.sender, Self.sender, label)
        case "reject_unknown_recipient_domain":
            guard let rcpt = state.recipient else { return done(.dunno) }
            return unknownAddress(&state, rcpt, Self.recipient, label)
        case "reject_unauth_destination", "defer_unauth_destination":
            guard let rcpt = state.recipient else { return done(.dunno) }
            if permitAuthDestination(rcpt) { return done(.dunno) }
            // defer_unauth_destination: relay_domains_reject_code with a 4 in front (554 -> 454).
            let code = context.int("relay_domains_reject_code", 554)
            let deferring = lower.hasPrefix("defer")
            return reject(&state, deferring ? 400 + code % 100 : code, deferring ? "4.7.1" : "5.7.1",
                          "<\(rcpt)>: Relay access denied", restriction: label)
        case "permit_auth_destination":
            guard let rcpt = state.recipient else { return done(.dunno) }
            return done(permitAuthDestination(rcpt) ? .ok : .dunno)
        case "check_relay_domains":
            guard let rcpt = state.recipient else { return done(.dunno) }
            if let name = tx.clientName, context.matchList("relay_domains").matchesDomain(name) { return done(.ok) }
            if permitAuthDestination(rcpt) { return done(.ok) }
            return reject(&state, context.int("relay_domains_reject_code", 554), "5.7.1",
                          "<\(rcpt)>: Recipient address rejected: Relay access denied", restriction: label)
        case "reject_multi_recipient_bounce":
            if tx.sender.isEmpty, state.rcptCount > 0 {
                return reject(&state, context.int("multi_recipient_bounce_reject_code", 550), "5.5.3",
                              "<\(replyName)>: \(replyClass) rejected: Multi-recipient bounce", restriction: label)
            }
            return done(.dunno)
        case "reject_unlisted_recipient", "check_recipient_maps":
            guard let rcpt = state.recipient, !rcpt.isEmpty else { return done(.dunno) }
            if state.recipientRcptmapChecked { return done(.dunno) }
            if state.warnIfReject == 0 { state.recipientRcptmapChecked = true }
            return recipientMaps(&state, rcpt, label)
        case "reject_rbl_client", "reject_rbl":
            guard let zone = argument else { return done(.dunno) }
            return rblClient(&state, zone, label)
        case "check_policy_service":
            guard let endpoint = argument else {
                return reject(&state, 451, "4.3.5", "Server configuration error", restriction: label, softwareError: true)
            }
            return policyService(&state, PostfixList.ungroup(endpoint), label, replyName: replyName,
                                 replyClass: replyClass, defaultACL: defaultACL)
        case "reject_unauth_pipelining":
            // Rejects only a client that sent commands ahead of replies without PIPELINING
            // being announced (SMTPD_FLAG_ILL_PIPELINING); a simulated transaction is a client
            // that waits for every reply, as the differential's client does.
            step("DUNNO (the client waits for each reply)")
            return .dunno
        case "permit_tls_clientcerts", "permit_tls_all_clientcerts", "check_ccert_access",
             "reject_unverified_sender", "reject_unverified_recipient", "permit_mx_backup", "reject_rhsbl_client",
             "reject_rhsbl_sender", "reject_rhsbl_helo", "reject_rhsbl_recipient", "check_helo_mx_access",
             "check_helo_ns_access", "check_sender_mx_access", "check_sender_ns_access", "check_recipient_mx_access",
             "check_recipient_ns_access", "reject_authenticated_sender_login_mismatch",
             "reject_unauthenticated_sender_login_mismatch", "reject_sender_login_mismatch",
             "reject_known_sender_login_mismatch", "permit_dnswl_client", "permit_rhswl_client", "reject_unlisted_sender":
            state.notEvaluated.append(NotEvaluated(restriction: label, reason: "not simulated", alternative: nil))
            step("not evaluated")
            return .dunno
        default:
            let classes = context.items("smtpd_restriction_classes")
            if classes.contains(name) {
                // smtpd limits only table-value recursion (check_table_result: 100 levels, 451);
                // a class that reaches itself through classes alone recurses until smtpd
                // overflows its stack (3.7: SIGSEGV). A cycle through a table hits the 100 first.
                if state.recursion > Self.classRecursionCrashDepth {
                    state.crashed = true
                    return reject(&state, 421, "4.3.0", Self.crashText(name), restriction: label, softwareError: true)
                }
                let list = context.items(name)
                let saved = state.currentList
                state.currentList = name
                defer { state.currentList = saved }
                return genericChecks(&state, list, replyName: replyName, replyClass: replyClass, defaultACL: defaultACL)
            }
            return reject(&state, 451, "4.3.5", "Server configuration error", restriction: label, softwareError: true)
        }
    }
}
