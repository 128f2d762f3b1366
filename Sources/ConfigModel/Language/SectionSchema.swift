/// What gateway.conf may hold: every section, its shape and its fixed keys. The parser, the
/// did-you-mean suggestions, the override checker and the man page all follow this one table.
enum SectionSchema {
    enum Shape: Sendable, Equatable {
        /// `key = value` with fixed keys only.
        case keyed
        /// `key = value` where keys are data (aliases, clients, HELO patterns, DNSBL zones),
        /// plus the fixed keys listed.
        case map
        /// Bare lines (one item each), plus the fixed keys listed.
        case list
    }

    struct Section: Sendable {
        public var name: String
        var shape: Shape
        public var keys: [String]
        public var required: [String]
    }

    static let sections: [Section] = [
        Section(name: "gateway", shape: .keyed,
                keys: ["hostname", "domain", "platform", "postfix", "public-ip", "listen-ip", "loopback",
                       "message-size-limit", "banner", "table-type"],
                required: ["hostname", "domain"]),
        Section(name: "relay", shape: .keyed, keys: ["domains", "mail-server", "trusted"],
                required: ["domains", "mail-server"]),
        Section(name: "recipients", shape: .list, keys: ["file"], required: []),
        Section(name: "aliases", shape: .map, keys: [], required: []),
        Section(name: "local", shape: .keyed, keys: ["delivery", "message"], required: []),
        Section(name: "clients", shape: .map, keys: [], required: []),
        Section(name: "helo", shape: .map, keys: ["reject-own-ip", "reject-own-hostname"], required: []),
        Section(name: "senders", shape: .map, keys: ["reject-own-domain"], required: []),
        Section(name: "checks", shape: .keyed,
                keys: ["helo-required", "fqdn", "invalid-helo", "known-domain", "multi-recipient-bounce", "warn-only"],
                required: []),
        Section(name: "dnsbl", shape: .map, keys: [], required: []),
        Section(name: "greylisting", shape: .keyed, keys: ["listen", "delay", "expiry"], required: ["listen"]),
        Section(name: "policyd-weight", shape: .keyed, keys: ["listen"], required: ["listen"]),
        Section(name: "antivirus", shape: .keyed,
                keys: ["listen", "port", "remote-clients", "socket", "database-directory", "stream-max-length", "max-file-size",
                       "max-scan-size"],
                required: []),
        Section(name: "signatures", shape: .keyed, keys: ["mirror", "notify-clamd", "checks"], required: []),
        Section(name: "content-filter", shape: .keyed, keys: ["listen", "reinject", "max-servers", "engine"],
                required: ["listen", "reinject"]),
        Section(name: "spamassassin", shape: .keyed, keys: ["required-score", "bayes"], required: []),
        Section(name: "rspamd", shape: .keyed, keys: ["redis", "reject-score", "greylist-score", "virus", "dns"],
                required: []),
        Section(name: "restrictions", shape: .keyed, keys: ["client", "helo", "sender", "recipient", "relay"],
                required: []),
        // Zones (names with a dot) are data: `zen.spamhaus.org = 127.0.0.[2..11]*3`.
        Section(name: "postscreen", shape: .map,
                keys: ["enabled", "threshold", "dqs-key", "dnsbl-action", "pregreet-action", "allow"], required: []),
        Section(name: "tls", shape: .keyed, keys: ["certificate", "key", "level", "inside", "inside-ca"],
                required: ["certificate", "key"]),
    ]

    public static func section(_ name: String) -> Section? { sections.first { $0.name == name } }
    static let sectionNames: [String] = sections.map(\.name)
    /// "`[gateway]`, `[relay]`, ..." for help lines; built once, a broken file may need it often.
    static let sectionList: String = sectionNames.map { "`[\($0)]`" }.joined(separator: ", ")
}
