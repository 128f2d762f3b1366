/// `[postscreen]`: postscreen(8) on port 25 in front of smtpd. One cheap process per gateway
/// answers every connection, scores the client against weighted DNS lists while it waits out
/// the greeting, and hands only the clients that pass to a real smtpd.
///
/// An absent section means no postscreen (smtpd on port 25, as the tutorial runs it): a
/// gateway.conf written before the section existed builds the same tree. A present section
/// turns postscreen on unless `enabled = no`.
public struct Postscreen: Equatable, Sendable {
    /// One `postscreen_dnsbl_sites` entry: `zone=filter*weight`. A negative weight allowlists.
    public struct Site: Equatable, Sendable {
        public var zone: DomainName
        /// Reply filter such as `127.0.0.[2..11]`; nil counts any A record.
        public var replyFilter: String?
        public var weight: Int
        public init(zone: DomainName, replyFilter: String? = nil, weight: Int = 1) {
            self.zone = zone
            self.replyFilter = replyFilter
            self.weight = weight
        }
    }

    /// postscreen_greet_action / postscreen_dnsbl_action.
    public enum Action: String, Equatable, Sendable, CaseIterable {
        /// Log only.
        case ignore
        /// Talk on, but refuse every RCPT (550) so the log shows who was refused.
        case enforce
        /// 521 and hang up at once.
        case drop
    }

    public var enabled: Bool
    /// Explicit sites; empty means "the `[dnsbl]` zones, each weighted to block alone".
    public var sites: [Site]
    public var threshold: Int                 // postscreen_dnsbl_threshold
    /// Spamhaus Data Query Service key: spamhaus.org zones are asked as KEY.ZONE.dq.spamhaus.net.
    public var dqsKey: String?
    public var dnsblAction: Action            // postscreen_dnsbl_action
    public var pregreetAction: Action         // postscreen_greet_action (client talks first)
    /// Extra networks postscreen waves through (besides `[relay] trusted` and the inside server).
    public var allow: [CIDR]

    public init(enabled: Bool = true, sites: [Site] = [], threshold: Int = 3, dqsKey: String? = nil,
                dnsblAction: Action = .enforce, pregreetAction: Action = .enforce, allow: [CIDR] = []) {
        self.enabled = enabled
        self.sites = sites
        self.threshold = threshold
        self.dqsKey = dqsKey
        self.dnsblAction = dnsblAction
        self.pregreetAction = pregreetAction
        self.allow = allow
    }

    /// The sites postscreen asks, with `[dnsbl]` zones standing in for an empty list.
    public func effectiveSites(dnsbls: [DNSBL]) -> [Site] {
        sites.isEmpty ? dnsbls.map { Site(zone: $0.zone, replyFilter: $0.replyFilter, weight: threshold) } : sites
    }

    /// The zone as postscreen asks it: Spamhaus zones through DQS when a key is set.
    public func queriedZone(_ zone: DomainName) -> String {
        guard let key = dqsKey, zone.isWithin(Postscreen.spamhaus) else { return zone.value }
        let name = zone.value.dropLast(Postscreen.spamhaus.value.count + 1)
        return "\(key).\(name).dq.spamhaus.net"
    }

    static let spamhaus = DomainName(unchecked: "spamhaus.org")
}
