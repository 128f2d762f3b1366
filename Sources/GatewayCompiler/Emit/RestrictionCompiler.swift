import ConfigModel
import PostfixConfig

/// Compiles the model's checks into ordered smtpd restriction lists. The compiler, not the user,
/// decides the order, so the properties below hold for every gateway.conf:
///  1. cheap checks that apply to every client (envelope syntax) come first;
///  2. the relay guard (`permit_mynetworks`, `reject_unauth_destination`) precedes every entry
///     that can permit (access maps, policy services), so no map value can open the relay;
///  3. unlisted recipients are refused right after the guard (`reject_unlisted_recipient`,
///     550 5.1.1 on the first attempt), before any table, policy service or DNS lookup: Postfix's
///     implicit check would only run after the whole list, behind greylisting;
///  4. policy services (postgrey, then policyd-weight, whose DNS lookups cost most) run only
///     for mail we would accept;
///  5. DNS lookups (`reject_unknown_*`, `reject_rbl_client`) come last: slowest, and skipped for
///     mail an earlier check already refused;
///  6. a check listed in `[checks] warn-only` gets `warn_if_reject` in front of it.
/// From Postfix 2.10 the guard also has its own `smtpd_relay_restrictions`; it stays at the head
/// of the recipient list too, because below compatibility level 3.6 that list runs first.
/// `[restrictions]` overrides replace a compiled list verbatim (the linter checks them).
enum RestrictionCompiler {
    public static func compile(_ g: Gateway, paths: PlatformPaths) throws(EmitError) -> RestrictionPlan {
        let v = g.identity.postfix
        let tableType = g.identity.effectiveTableType
        let warnOnly = Set(g.checks.warnOnly.map(RestrictionNames.current))

        /// One entry; `name` is today's restriction name, spelled for the target version.
        func entry(_ name: String, _ args: String = "", why: String) -> Restriction {
            let spelled = RestrictionNames.spelling(name, for: v)
            let text = args.isEmpty ? spelled : spelled + " " + args
            if warnOnly.contains(name) {
                return Restriction("warn_if_reject " + text, why: "log only while tuning ([checks] warn-only): " + why)
            }
            return Restriction(text, why: why)
        }

        // Client list: a client REJECT here ends the session's chances at RCPT time; an OK in
        // this list ends only this list, so the map cannot open the relay.
        var client: [Restriction] = []
        if !g.clients.isEmpty {
            client.append(entry("check_client_access", MapFiles.reference(tableType, MapFiles.clientAccess, paths).description,
                                why: "clients refused by name or address ([clients]); local table, no DNS"))
        }

        var rcpt: [Restriction] = []
        // 1. Envelope syntax, for every client including the inside server: no lookups at all.
        if g.checks.fqdn.contains(.recipient) {
            rcpt.append(entry("reject_non_fqdn_recipient", why: "a recipient without a fully-qualified domain cannot be delivered (504); no lookup"))
        }
        if g.checks.fqdn.contains(.sender) {
            rcpt.append(entry("reject_non_fqdn_sender", why: "a sender without a fully-qualified domain cannot get bounces (504); no lookup"))
        }
        // 2. The relay guard (repeated from smtpd_relay_restrictions from 2.10 on, see above).
        let again = v.hasRelayRestrictions ? " (again here: below compatibility level 3.6 this list runs first)" : ""
        rcpt.append(entry("permit_mynetworks", why: "the inside mail server ([relay] trusted) may send anywhere; nothing above can permit"))
        rcpt.append(entry("reject_unauth_destination", why: "relay guard: outsiders may only mail [relay] domains" + again))
        rcpt.append(entry("reject_unlisted_recipient",
                          why: "unknown recipients get 550 5.1.1 now, before greylisting or DNS costs any work ([recipients])"))
        // 3. Local tables, cheapest first.
        if g.senders.rejectOwnDomain != nil || !g.senders.entries.isEmpty {
            rcpt.append(entry("check_sender_access", MapFiles.reference(tableType, MapFiles.senderAccess, paths).description,
                              why: "outsiders may not use our own domain as sender ([senders]); local table"))
        }
        if g.checks.multiRecipientBounce {
            rcpt.append(entry("reject_multi_recipient_bounce", why: "a bounce (null sender) has exactly one recipient; more is abuse (550)"))
        }
        if HeloChecksEmitter.hasRules(g) {
            rcpt.append(entry("check_helo_access", MapFiles.reference(.pcre, MapFiles.heloChecks, paths).description,
                              why: "HELO with our own name or address, or a bare IP, is forged ([helo]); local regexes"))
        }
        if g.checks.fqdn.contains(.helo) {
            rcpt.append(entry("reject_non_fqdn_helo_hostname", why: "HELO must be a fully-qualified host name (504); no lookup"))
        }
        if g.checks.invalidHelo {
            rcpt.append(entry("reject_invalid_helo_hostname", why: "HELO must be a syntactically valid host name (501); no lookup"))
        }
        // 4. Policy services, only for mail the guard let through; DNS-heavy policyd-weight last.
        if let p = g.greylisting {
            rcpt.append(entry("check_policy_service", "inet:\(p.listen)",
                              why: "postgrey defers unknown (client, sender, recipient) triplets (450); one local lookup"))
        }
        if let p = g.policydWeight {
            rcpt.append(entry("check_policy_service", "inet:\(p.listen)",
                              why: "policyd-weight scores the client's DNS and HELO; after greylisting, so retries only"))
        }
        // 5. DNS lookups last.
        if g.checks.knownDomain.contains(.client) {
            rcpt.append(entry("reject_unknown_client_hostname", why: "client without matching forward and reverse DNS (450); DNS lookup"))
        }
        if g.checks.knownDomain.contains(.helo) {
            rcpt.append(entry("reject_unknown_helo_hostname", why: "HELO name without an A or MX record (450); DNS lookup"))
        }
        if g.checks.knownDomain.contains(.sender) {
            rcpt.append(entry("reject_unknown_sender_domain", why: "sender domain without an A or MX record cannot get bounces (450); DNS lookup"))
        }
        if g.checks.knownDomain.contains(.recipient) {
            rcpt.append(entry("reject_unknown_recipient_domain", why: "recipient domain without an A or MX record (450); DNS lookup"))
        }
        let askedByPostscreen = PostscreenEmitter.zonesAsked(g)
        for (i, bl) in g.dnsbls.enumerated() where !askedByPostscreen.contains(bl.zone) {
            var arg = bl.zone.value
            if let f = bl.replyFilter { arg += "=" + (try ConfigText.token(f, at: "dnsbl[\(i)]")) }
            rcpt.append(entry("reject_rbl_client", arg, why: "client listed in \(bl.zone.value) (554); DNS lookup, last"))
        }

        // A `warn-only` name that nothing above compiled changes nothing; the linter reports it
        // (GW2106), so the build does not fail on it twice.

        var plan = RestrictionPlan(client: client.isEmpty ? nil : client, recipient: rcpt)
        if v.hasRelayRestrictions {
            plan.relay = [
                Restriction("permit_mynetworks", why: "the inside mail server ([relay] trusted) may relay"),
                Restriction("reject_unauth_destination", why: "relay guard: everyone else may only mail [relay] domains"),
            ]
        }
        try applyOverrides(g.restrictions, version: v, to: &plan)
        return plan
    }

    static func applyOverrides(_ o: RestrictionOverrides, version: PostfixVersion,
                               to plan: inout RestrictionPlan) throws(EmitError) {
        func list(_ items: [String], _ key: String) throws(EmitError) -> [Restriction] {
            var out: [Restriction] = []
            for (i, item) in items.enumerated() {
                let text = try ConfigText.line(item, at: "restrictions.\(key)[\(i)]")
                guard !text.contains(where: { $0 == "," || $0 == "$" || $0 == "#" }) else {
                    throw EmitError("restriction `\(text)` holds `,`, `$` or `#`", at: "restrictions.\(key)[\(i)]",
                                    fix: "write one restriction and its arguments per line", unsafe: true)
                }
                try ConfigText.braces(text, at: "restrictions.\(key)[\(i)]")
                out.append(Restriction(text, why: "set in gateway.conf [restrictions] \(key)"))
            }
            return out
        }
        if let l = o.client { plan.client = try list(l, "client") }
        if let l = o.helo { plan.helo = try list(l, "helo") }
        if let l = o.sender { plan.sender = try list(l, "sender") }
        if let l = o.recipient { plan.recipient = try list(l, "recipient") }
        if let l = o.relay {
            guard version.hasRelayRestrictions else {
                throw EmitError("`smtpd_relay_restrictions` needs Postfix 2.10 or later; the target is \(version)",
                                at: "restrictions.relay", fix: "put the relay guard in the `recipient` list instead")
            }
            plan.relay = try list(l, "relay")
        }
    }
}
