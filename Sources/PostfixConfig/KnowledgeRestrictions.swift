/// One smtpd restriction as Postfix 3.7 knows it (postconf(5), src/smtpd/smtpd_check.c).
public struct RestrictionInfo: Sendable {
    /// The SMTP stage whose information the restriction tests. With `smtpd_delay_reject = yes`
    /// (default) a restriction works in its own list and every later one.
    public enum Stage: Int, Sendable, Comparable {
        case client, helo, sender, recipient, data
        /// Works in every list (permit, reject, warn_if_reject, ...).
        case generic
        public static func < (a: Stage, b: Stage) -> Bool { a.rawValue < b.rawValue }
    }

    /// How the restriction can PERMIT (end its list with OK).
    public enum Permit: Sendable, Equatable {
        case never
        /// `permit`: always.
        case always
        /// Only for clients the server trusts (mynetworks, SASL login, listed TLS certificate,
        /// its own interfaces): never an outsider, unless the trust itself is too wide.
        case trustedClient
        /// Only for recipients in the server's own or relay domains: never opens relaying.
        case authorizedDestination
        /// Any client with a certificate from any CA the server trusts.
        case anyClientCertificate
        /// Any recipient domain whose DNS MX names this host (anyone can publish such an MX).
        case mxBackup
        /// Any client that a DNS whitelist lists.
        case dnsWhitelisted
        /// Any client whose HELO is a bare IP address.
        case nakedIPHelo
        /// Depends on what the lookup table returns (`check_*_access`).
        case tableResult
        /// Depends on the policy server's answer.
        case policyResult
    }

    /// What follows the restriction name as its argument, if anything.
    public enum Argument: Sendable, Equatable {
        case none
        /// A lookup table (`type:name`).
        case table
        /// A DNS zone, optionally `=127.0.0.2` or `=127.0.0.[2..11]`.
        case dnsZone
        /// A policy service endpoint (`inet:host:port`, `unix:path`) or `{ endpoint, options }`.
        case policyService
        /// A plain value (`sleep 5`).
        case value
    }

    public var name: String
    public var stage: Stage
    public var permit: Permit
    public var argument: Argument
    /// True for the restrictions Postfix accepts as a working relay guard at start-up.
    public var isRelayGuard: Bool
    /// True when evaluating it needs a DNS query (slow; can fail temporarily).
    public var needsDNS: Bool
    /// The release that introduced the name.
    public var introduced: PostfixVersion
    /// The replacement and the release that introduced it, for renamed restrictions.
    public var renamedTo: (name: String, since: PostfixVersion)?
    /// The release that deprecated it (still accepted in 3.7 unless `removedIn` says so).
    public var deprecatedSince: PostfixVersion?
    public var removedIn: PostfixVersion?
    /// For `check_*_access`: what the table is queried with (shown in findings).
    public var lookupKey: String?

    init(_ name: String, _ stage: Stage, permit: Permit = .never, argument: Argument = .none,
         guard isRelayGuard: Bool = false, dns: Bool = false, since introduced: PostfixVersion = PostfixVersion(2, 0),
         renamedTo: (String, PostfixVersion)? = nil, deprecated: PostfixVersion? = nil,
         removed: PostfixVersion? = nil, key: String? = nil) {
        self.name = name
        self.stage = stage
        self.permit = permit
        self.argument = argument
        self.isRelayGuard = isRelayGuard
        self.needsDNS = dns
        self.introduced = introduced
        self.renamedTo = renamedTo.map { (name: $0.0, since: $0.1) }
        self.deprecatedSince = deprecated
        self.removedIn = removed
        self.lookupKey = key
    }
}

extension PostfixKnowledge {
    private static func v(_ a: Int, _ b: Int) -> PostfixVersion { PostfixVersion(a, b) }

    /// Every smtpd restriction by name.
    public static let restrictions: [String: RestrictionInfo] = {
        let list: [RestrictionInfo] = [
            // Generic.
            .init("permit", .generic, permit: .always),
            .init("reject", .generic, guard: true),
            .init("defer", .generic, guard: true),
            .init("defer_if_permit", .generic, guard: true),
            .init("defer_if_reject", .generic),
            .init("warn_if_reject", .generic),
            .init("reject_unauth_pipelining", .generic),
            .init("sleep", .generic, argument: .value, since: v(2, 3)),
            .init("check_policy_service", .generic, permit: .policyResult, argument: .policyService, since: v(2, 1)),
            .init("reject_plaintext_session", .generic, since: v(2, 3)),
            // Client.
            .init("permit_mynetworks", .client, permit: .trustedClient),
            .init("permit_inet_interfaces", .client, permit: .trustedClient, since: v(2, 3)),
            .init("permit_sasl_authenticated", .client, permit: .trustedClient),
            .init("permit_tls_clientcerts", .client, permit: .trustedClient, since: v(2, 2)),
            .init("permit_tls_all_clientcerts", .client, permit: .anyClientCertificate, since: v(2, 2)),
            .init("permit_dnswl_client", .client, permit: .dnsWhitelisted, argument: .dnsZone, dns: true, since: v(2, 8)),
            .init("permit_rhswl_client", .client, permit: .dnsWhitelisted, argument: .dnsZone, dns: true, since: v(2, 8)),
            .init("check_client_access", .client, permit: .tableResult, argument: .table,
                  key: "the client hostname, its parent domains, or the client IP address and its prefixes"),
            .init("check_reverse_client_hostname_access", .client, permit: .tableResult, argument: .table, since: v(2, 6),
                  key: "the client's reverse DNS name"),
            .init("check_client_a_access", .client, permit: .tableResult, argument: .table, dns: true, since: v(3, 0),
                  key: "the IP addresses of the client hostname"),
            .init("check_client_mx_access", .client, permit: .tableResult, argument: .table, dns: true, since: v(2, 7),
                  key: "the MX hosts of the client hostname"),
            .init("check_client_ns_access", .client, permit: .tableResult, argument: .table, dns: true, since: v(2, 7),
                  key: "the DNS servers of the client hostname"),
            .init("check_reverse_client_hostname_a_access", .client, permit: .tableResult, argument: .table, dns: true, since: v(3, 0)),
            .init("check_reverse_client_hostname_mx_access", .client, permit: .tableResult, argument: .table, dns: true, since: v(2, 7)),
            .init("check_reverse_client_hostname_ns_access", .client, permit: .tableResult, argument: .table, dns: true, since: v(2, 7)),
            .init("check_ccert_access", .client, permit: .tableResult, argument: .table, since: v(2, 2),
                  key: "the client certificate fingerprint"),
            .init("check_sasl_access", .client, permit: .tableResult, argument: .table, since: v(2, 11),
                  key: "the SASL login name"),
            .init("reject_rbl_client", .client, argument: .dnsZone, dns: true),
            .init("reject_rhsbl_client", .client, argument: .dnsZone, dns: true),
            .init("reject_rhsbl_reverse_client", .client, argument: .dnsZone, dns: true, since: v(2, 8)),
            .init("reject_unknown_client_hostname", .client, dns: true, since: v(2, 3)),
            .init("reject_unknown_reverse_client_hostname", .client, dns: true, since: v(2, 3)),
            .init("reject_unknown_client", .client, dns: true, renamedTo: ("reject_unknown_client_hostname", v(2, 3))),
            .init("reject_rbl", .client, argument: .dnsZone, dns: true, renamedTo: ("reject_rbl_client", v(2, 0)), deprecated: v(2, 0)),
            .init("reject_maps_rbl", .client, dns: true, renamedTo: ("reject_rbl_client", v(2, 0)), deprecated: v(2, 1)),
            // HELO.
            .init("check_helo_access", .helo, permit: .tableResult, argument: .table,
                  key: "the HELO/EHLO argument and its parent domains"),
            .init("check_helo_a_access", .helo, permit: .tableResult, argument: .table, dns: true, since: v(3, 0)),
            .init("check_helo_mx_access", .helo, permit: .tableResult, argument: .table, dns: true, since: v(2, 1),
                  key: "the MX hosts of the HELO name"),
            .init("check_helo_ns_access", .helo, permit: .tableResult, argument: .table, dns: true, since: v(2, 1),
                  key: "the DNS servers of the HELO name"),
            .init("reject_invalid_helo_hostname", .helo, since: v(2, 3)),
            .init("reject_non_fqdn_helo_hostname", .helo, since: v(2, 3)),
            .init("reject_unknown_helo_hostname", .helo, dns: true, since: v(2, 3)),
            .init("reject_rhsbl_helo", .helo, argument: .dnsZone, dns: true, since: v(2, 0)),
            .init("reject_invalid_hostname", .helo, renamedTo: ("reject_invalid_helo_hostname", v(2, 3))),
            .init("reject_non_fqdn_hostname", .helo, renamedTo: ("reject_non_fqdn_helo_hostname", v(2, 3))),
            .init("reject_unknown_hostname", .helo, dns: true, renamedTo: ("reject_unknown_helo_hostname", v(2, 3))),
            .init("permit_naked_ip_address", .helo, permit: .nakedIPHelo, deprecated: v(2, 0)),
            // Sender.
            .init("check_sender_access", .sender, permit: .tableResult, argument: .table,
                  key: "the MAIL FROM address, its domain and parent domains, and `user@`"),
            .init("check_sender_a_access", .sender, permit: .tableResult, argument: .table, dns: true, since: v(3, 0)),
            .init("check_sender_mx_access", .sender, permit: .tableResult, argument: .table, dns: true, since: v(2, 1),
                  key: "the MX hosts of the sender domain"),
            .init("check_sender_ns_access", .sender, permit: .tableResult, argument: .table, dns: true, since: v(2, 1),
                  key: "the DNS servers of the sender domain"),
            .init("reject_non_fqdn_sender", .sender),
            .init("reject_unknown_sender_domain", .sender, dns: true),
            .init("reject_unlisted_sender", .sender, since: v(2, 1)),
            .init("reject_unverified_sender", .sender, dns: true, since: v(2, 1)),
            .init("reject_rhsbl_sender", .sender, argument: .dnsZone, dns: true),
            .init("reject_sender_login_mismatch", .sender, since: v(2, 1)),
            .init("reject_authenticated_sender_login_mismatch", .sender, since: v(2, 3)),
            .init("reject_known_sender_login_mismatch", .sender, since: v(2, 11)),
            .init("reject_unauthenticated_sender_login_mismatch", .sender, since: v(2, 3)),
            // Recipient.
            .init("reject_unauth_destination", .recipient, guard: true),
            .init("defer_unauth_destination", .recipient, guard: true, since: v(2, 10)),
            .init("check_relay_domains", .recipient, permit: .authorizedDestination, guard: true, deprecated: v(2, 2)),
            .init("permit_auth_destination", .recipient, permit: .authorizedDestination),
            .init("permit_mx_backup", .recipient, permit: .mxBackup, dns: true),
            .init("check_recipient_access", .recipient, permit: .tableResult, argument: .table,
                  key: "the RCPT TO address, its domain and parent domains, and `user@`"),
            .init("check_recipient_a_access", .recipient, permit: .tableResult, argument: .table, dns: true, since: v(3, 0)),
            .init("check_recipient_mx_access", .recipient, permit: .tableResult, argument: .table, dns: true, since: v(2, 1),
                  key: "the MX hosts of the recipient domain"),
            .init("check_recipient_ns_access", .recipient, permit: .tableResult, argument: .table, dns: true, since: v(2, 1),
                  key: "the DNS servers of the recipient domain"),
            .init("reject_non_fqdn_recipient", .recipient),
            .init("reject_unknown_recipient_domain", .recipient, dns: true),
            .init("reject_unlisted_recipient", .recipient, since: v(2, 1)),
            .init("reject_unverified_recipient", .recipient, dns: true, since: v(2, 1)),
            .init("reject_rhsbl_recipient", .recipient, argument: .dnsZone, dns: true),
            .init("check_recipient_maps", .recipient, renamedTo: ("reject_unlisted_recipient", v(2, 1))),
            .init("reject_multi_recipient_bounce", .data, since: v(2, 1)),
            // ETRN.
            .init("check_etrn_access", .client, permit: .tableResult, argument: .table,
                  key: "the ETRN domain"),
        ]
        return Dictionary(list.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }()

    /// The restriction lists smtpd evaluates, in SMTP order, with the stage each belongs to.
    public static let restrictionLists: [(name: String, stage: RestrictionInfo.Stage)] = [
        ("smtpd_client_restrictions", .client),
        ("smtpd_helo_restrictions", .helo),
        ("smtpd_sender_restrictions", .sender),
        ("smtpd_relay_restrictions", .recipient),
        ("smtpd_recipient_restrictions", .recipient),
        ("smtpd_data_restrictions", .data),
        ("smtpd_end_of_data_restrictions", .data),
        ("smtpd_etrn_restrictions", .client),
    ]

    /// Actions an access(5) table may return that PERMIT the request (all-digit values too).
    public static func accessActionPermits(_ value: String) -> Bool {
        let v = value.trimmingPostfixSpace()
        let word = v.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { $0.uppercased() } ?? ""
        if word == "OK" || word == "RELAY" || word == "DISCARD" { return true }
        // A bare number (`554` with no text) is read as OK, not as a reply code.
        return !v.isEmpty && v.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// access(5) actions that are not restriction names.
    public static let accessActions: Set<String> = [
        "OK", "RELAY", "DISCARD", "REJECT", "DEFER", "DEFER_IF_REJECT", "DEFER_IF_PERMIT", "BCC", "DUNNO",
        "FILTER", "HOLD", "PREPEND", "REDIRECT", "WARN", "INFO", "SHUTDOWN",
    ]
}
