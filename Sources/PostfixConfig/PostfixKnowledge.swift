/// What gatewayctl knows about Postfix itself, as data: parameter names and defaults
/// (`KnowledgeParameters.swift`, generated), restrictions (`KnowledgeRestrictions.swift`).
public enum PostfixKnowledge {
    /// Built-in defaults of Postfix 3.7 by name (the generated table).
    static let parameterDefaults = ParameterDefaults(parameterDefaultsText)

    /// Parameters that appeared after 2.0, by the release that introduced them (postconf(5)),
    /// for the ones a gateway is likely to use. Names absent here are treated as always present.
    public static let parameterIntroduced: [String: PostfixVersion] = [
        "smtpd_relay_restrictions": PostfixVersion(2, 10),
        "compatibility_level": PostfixVersion(3, 0),
        "smtpd_relay_before_recipient_restrictions": PostfixVersion(3, 6),
        "smtputf8_enable": PostfixVersion(3, 0),
        "smtpd_reject_footer": PostfixVersion(2, 8),
        "postscreen_dnsbl_sites": PostfixVersion(2, 8),
        "postscreen_access_list": PostfixVersion(2, 8),
        "smtpd_tls_security_level": PostfixVersion(2, 3),
        "smtp_tls_security_level": PostfixVersion(2, 3),
        "smtpd_policy_service_max_idle": PostfixVersion(2, 1),
        "smtpd_policy_service_try_limit": PostfixVersion(3, 0),
        "smtpd_policy_service_default_action": PostfixVersion(3, 0),
        "smtpd_dns_reply_filter": PostfixVersion(3, 0),
        "smtpd_client_port_logging": PostfixVersion(2, 5),
        "smtpd_helo_required": PostfixVersion(1, 1),
        "address_verify_negative_cache": PostfixVersion(2, 1),
        "milter_default_action": PostfixVersion(2, 3),
        "smtpd_milters": PostfixVersion(2, 3),
        "non_smtpd_milters": PostfixVersion(2, 3),
        "meta_directory": PostfixVersion(3, 0),
        "shlib_directory": PostfixVersion(3, 0),
        "smtpd_tls_chain_files": PostfixVersion(3, 4),
        "maillog_file": PostfixVersion(3, 4),
        // Renamed parameters (the old names stay honoured, see `compatibilityNames`).
        "postscreen_dnsbl_max_ttl": PostfixVersion(3, 1),
        "postscreen_allowlist_interfaces": PostfixVersion(3, 6),
        "postscreen_denylist_action": PostfixVersion(3, 6),
        "postscreen_dnsbl_allowlist_threshold": PostfixVersion(3, 6),
        "smtpd_per_request_deadline": PostfixVersion(3, 7),
        "smtp_per_request_deadline": PostfixVersion(3, 7),
        "lmtp_per_request_deadline": PostfixVersion(3, 7),
        "respectful_logging": PostfixVersion(3, 6),
    ]

    /// Old names a renamed parameter still honours, old -> new: postconf -d writes the new
    /// name's default as `${old?{$old}:{...}}` (postscreen_dnsbl_whitelist_threshold,
    /// postscreen_blacklist_action, postscreen_dnsbl_ttl, smtpd_per_record_deadline, ...).
    public static let compatibilityNames: [String: String] = {
        // Byte-level, like `parameterDefaults`: the generic `firstRange(of:)` over every default
        // was a tenth of a seed check's instructions. The defaults are ASCII (postconf -d).
        var out: [String: String] = [:]
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
        }
        parameterDefaults.forEachLine { name, v in
            var i = 0
            while i + 1 < v.count {
                guard v[i] == UInt8(ascii: "$"), v[i + 1] == UInt8(ascii: "{") else { i += 1; continue }
                var end = i + 2
                while end < v.count, isNameByte(v[end]) { end += 1 }
                let old = v[(i + 2)..<end]
                // `${old?{$old}:...}`: the new name's default honours the old name.
                let tail = v[end...]
                if !old.isEmpty, tail.count >= old.count + 4, tail.starts(with: "?{$".utf8),
                   tail.dropFirst(3).starts(with: old), tail[end + 3 + old.count] == UInt8(ascii: "}") {
                    let oldName = String(decoding: old, as: UTF8.self)
                    if parameterDefaults[oldName] == nil { out[oldName] = String(decoding: name, as: UTF8.self) }
                }
                i += 2
            }
        }
        return out
    }()

    /// The services of Postfix's stock master.cf (master.cf.dist): the names whose per-transport
    /// parameters (`smtp_recipient_limit`, `relay_destination_concurrency_limit`,
    /// `local_delivery_slot_cost`) exist when a linted tree has no master.cf.
    public static let defaultServices: [String] = [
        "smtp", "pickup", "cleanup", "qmgr", "tlsmgr", "rewrite", "bounce", "defer", "trace", "verify",
        "flush", "proxymap", "proxywrite", "relay", "showq", "error", "retry", "discard", "local",
        "virtual", "lmtp", "anvil", "scache", "postlog", "maildrop", "uucp", "ifmail", "bsmtp",
        "scalemail-backend", "mailman",
    ]

    /// True when `name` exists in `version`: a parameter introduced later does not.
    public static func exists(_ name: String, in version: PostfixVersion) -> Bool {
        guard let since = parameterIntroduced[name] else { return true }
        return !(version < since)
    }

    /// The built-in default of `name` for the target version, as Postfix would store it
    /// (unexpanded; may use `$name` and `${{$compatibility_level} <level {..} ? ..}`).
    /// Before 3.0 there are no compatibility levels: the historic defaults apply.
    static func defaultValue(_ name: String, version: PostfixVersion) -> String? {
        if let introduced = parameterIntroduced[name], version < introduced { return nil }
        if version < PostfixVersion(3, 0) {
            switch name {
            case "smtpd_recipient_restrictions":
                if version < PostfixVersion(2, 10) { return "permit_mynetworks, reject_unauth_destination" }
            case "smtpd_relay_restrictions":
                return "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"
            case "relay_domains": return "$mydestination"
            case "mynetworks_style": return "subnet"
            case "smtputf8_enable": return "no"
            case "append_dot_mydomain": return "yes"
            default: break
            }
        }
        return parameterDefaults[name]
    }

    /// True when `name` is a parameter Postfix knows: a built-in one, or a per-transport one
    /// (`SERVICE_destination_concurrency_limit`) for a service in `services`.
    public static func isKnownParameter(_ name: String, services: some Sequence<String> = [String]()) -> Bool {
        if parameterDefaults[name] != nil || compatibilityNames[name] != nil { return true }
        for s in services where name.hasPrefix(s + "_") {
            if transportParameterSuffixes.contains(String(name.dropFirst(s.count + 1))) { return true }
        }
        return false
    }

    public static var parameterNames: [String] { parameterDefaults.names }
}
