import MapBuilder
import PostfixConfig

/// The whole gateway, as gateway.conf or the Swift DSL describes it. The single source of truth:
/// the linter, the emitters and the simulator read this and nothing else.
///
/// Values are already validated (addresses parsed, sizes in bytes). Where each value came from in
/// gateway.conf is kept beside the model in `SourceMap`, so equality ignores source positions.
public struct Gateway: Equatable, Sendable {
    public var identity: Identity
    public var relay: Relay
    public var recipients: Recipients
    public var aliases: [Alias]
    public var local: LocalDelivery
    public var clients: [AccessEntry]
    public var helo: HeloChecks
    public var senders: SenderChecks
    public var checks: Checks
    public var dnsbls: [DNSBL]
    public var greylisting: Greylisting?
    public var policydWeight: PolicydWeight?
    public var antivirus: Antivirus?
    public var signatures: Signatures?
    public var contentFilter: ContentFilter?
    public var spamassassin: SpamAssassin?
    /// Hand-written restriction lists that replace the compiled ones (`[restrictions]`).
    public var restrictions: RestrictionOverrides
    /// `[postscreen]` (Postscreen.swift) and `[tls]` (TLS.swift); nil when the section is absent.
    public var postscreen: Postscreen?
    public var tls: TLS?
    /// `[content-filter] engine = rspamd`: the milter engine (then `contentFilter`,
    /// `greylisting` and `policydWeight` are nil).
    public var rspamd: Rspamd?

    public init(identity: Identity, relay: Relay, recipients: Recipients = .inline([]), aliases: [Alias] = [],
                local: LocalDelivery = LocalDelivery(), clients: [AccessEntry] = [], helo: HeloChecks = HeloChecks(),
                senders: SenderChecks = SenderChecks(), checks: Checks = Checks(), dnsbls: [DNSBL] = [],
                greylisting: Greylisting? = nil, policydWeight: PolicydWeight? = nil, antivirus: Antivirus? = nil,
                signatures: Signatures? = nil, contentFilter: ContentFilter? = nil, spamassassin: SpamAssassin? = nil,
                restrictions: RestrictionOverrides = RestrictionOverrides(), postscreen: Postscreen? = nil, tls: TLS? = nil,
                rspamd: Rspamd? = nil) {
        self.identity = identity
        self.relay = relay
        self.recipients = recipients
        self.aliases = aliases
        self.local = local
        self.clients = clients
        self.helo = helo
        self.senders = senders
        self.checks = checks
        self.dnsbls = dnsbls
        self.greylisting = greylisting
        self.policydWeight = policydWeight
        self.antivirus = antivirus
        self.signatures = signatures
        self.contentFilter = contentFilter
        self.spamassassin = spamassassin
        self.restrictions = restrictions
        self.postscreen = postscreen
        self.tls = tls
        self.rspamd = rspamd
    }
}

/// `[gateway]`: who the gateway is and where it runs.
public struct Identity: Equatable, Sendable {
    public var hostname: DomainName          // myhostname
    public var domain: DomainName            // mydomain
    public var platform: Platform
    public var postfix: PostfixVersion       // target version: decides names and defaults
    public var publicIP: IPAddress?          // for the HELO "you are not my IP" rules
    public var listenIP: IPAddress?          // internal services bind here when loopback = no
    public var loopback: Bool                // false in a FreeBSD jail without lo0
    public var messageSizeLimit: ByteSize    // message_size_limit (Postfix default 10240000)
    public var banner: String?               // smtpd_banner; nil keeps `$myhostname ESMTP $mail_name`
    /// `table-type`: every indexed table's type; nil is the target's default (TableType.swift).
    public var tableType: MapType?

    public init(hostname: DomainName, domain: DomainName, platform: Platform = .debian,
                postfix: PostfixVersion = PostfixVersion(3, 7), publicIP: IPAddress? = nil,
                listenIP: IPAddress? = nil, loopback: Bool = true,
                messageSizeLimit: ByteSize = ByteSize(bytes: 10_240_000), banner: String? = nil,
                tableType: MapType? = nil) {
        self.hostname = hostname
        self.domain = domain
        self.platform = platform
        self.postfix = postfix
        self.publicIP = publicIP
        self.listenIP = listenIP
        self.loopback = loopback
        self.messageSizeLimit = messageSizeLimit
        self.banner = banner
        self.tableType = tableType
    }
}

/// `[relay]`: which mail we accept for whom, and where it goes.
public struct Relay: Equatable, Sendable {
    public var domains: [DomainName]         // relay_domains
    public var mailServer: NextHop           // transport: DOMAIN smtp:[host]
    public var trusted: [CIDR]               // mynetworks

    public init(domains: [DomainName], mailServer: NextHop, trusted: [CIDR]) {
        self.domains = domains
        self.mailServer = mailServer
        self.trusted = trusted
    }
}

/// The inside mail server as a transport(5) next hop. `mx = false` writes `[host]` (no MX lookup).
public struct NextHop: Equatable, Sendable, CustomStringConvertible {
    public var host: Endpoint.Host
    public var port: Int?
    public var mx: Bool

    public init(host: Endpoint.Host, port: Int? = nil, mx: Bool = false) {
        self.host = host
        self.port = port
        self.mx = mx
    }

    /// transport(5) value: `smtp:[mail.example.com]`, `smtp:[192.0.2.1]:2525`.
    public var description: String {
        let h: String
        switch host {
        case .ip(let a): h = a.isIPv4 ? "[\(a)]" : "[ipv6:\(a)]"
        case .name(let n): h = mx ? n.value : "[\(n.value)]"
        }
        return "smtp:" + h + (port.map { ":\($0)" } ?? "")
    }
}

/// `[recipients]`: the real users (relay_recipient_maps). A file may hold millions, so it is
/// referenced, not loaded, by the model; `RecipientFile` streams it. The parser stores the path
/// resolved against the directory of gateway.conf (absolute paths unchanged) and has already
/// validated every line when the document exists.
public enum Recipients: Equatable, Sendable {
    case inline([EmailAddress])
    case file(path: String)
}

/// `[aliases]`: virtual_alias_maps entries (postmaster, abuse).
public struct Alias: Equatable, Sendable {
    public var name: String                  // `postmaster` or a full address
    public var target: EmailAddress
    public init(name: String, target: EmailAddress) {
        self.name = name
        self.target = target
    }
}

/// `[local]`: local delivery. Off on a gateway: mydestination and local_recipient_maps empty,
/// local_transport = error:MESSAGE, `local` disabled in master.cf.
public struct LocalDelivery: Equatable, Sendable {
    public var enabled: Bool
    public var message: String
    public init(enabled: Bool = false, message: String = "local mail delivery is disabled") {
        self.enabled = enabled
        self.message = message
    }
}

/// An access(5) action, validated: what a map value may say.
public enum AccessAction: Equatable, Sendable, CustomStringConvertible {
    case ok
    case reject(text: String?)                       // REJECT [text]
    case code(Int, text: String)                     // 4NN/5NN text
    case defer_(text: String?)                       // DEFER [text]
    case dunno
    case warn(text: String)

    public var description: String {
        switch self {
        case .ok: "OK"
        case .reject(let t): t.map { "REJECT \($0)" } ?? "REJECT"
        case .code(let c, let t): "\(c) \(t)"
        case .defer_(let t): t.map { "DEFER \($0)" } ?? "DEFER"
        case .dunno: "DUNNO"
        case .warn(let t): t.isEmpty ? "WARN" : "WARN \(t)"
        }
    }

    /// Whether Postfix would treat this as permission (relevant to the relay analysis).
    public var permits: Bool { self == .ok }
}

/// `[clients]` entries: check_client_access keys (hostname, parent domain, IP or prefix).
public struct AccessEntry: Equatable, Sendable {
    public var key: String
    public var action: AccessAction
    public init(key: String, action: AccessAction) {
        self.key = key
        self.action = action
    }
}

/// `[helo]`: check_helo_access pcre: rules, plus the generated own-identity rules.
public struct HeloChecks: Equatable, Sendable {
    public struct Pattern: Equatable, Sendable {
        public var regex: String                     // `/^spam\.example\.com$/` with delimiters and flags
        public var action: AccessAction
        public init(regex: String, action: AccessAction) {
            self.regex = regex
            self.action = action
        }
    }
    public var patterns: [Pattern]
    /// Generate `/^W\.X\.Y\.Z$/` and `/^\[W\.X\.Y\.Z\]$/` rules from the public IP, escaped.
    public var rejectOwnIP: AccessAction?
    /// Generate `/^hostname$/` from [gateway] hostname.
    public var rejectOwnHostname: AccessAction?

    public init(patterns: [Pattern] = [], rejectOwnIP: AccessAction? = nil, rejectOwnHostname: AccessAction? = nil) {
        self.patterns = patterns
        self.rejectOwnIP = rejectOwnIP
        self.rejectOwnHostname = rejectOwnHostname
    }
}

/// `[senders]`: check_sender_access; rejecting our own domain from outsiders.
public struct SenderChecks: Equatable, Sendable {
    public var rejectOwnDomain: AccessAction?
    public var entries: [AccessEntry]
    public init(rejectOwnDomain: AccessAction? = nil, entries: [AccessEntry] = []) {
        self.rejectOwnDomain = rejectOwnDomain
        self.entries = entries
    }
}

/// What a check applies to.
public enum CheckTarget: String, Sendable, CaseIterable, Hashable, Comparable {
    case client, helo, sender, recipient
    public static func < (a: CheckTarget, b: CheckTarget) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// `[checks]`: the built-in restrictions the compiler places.
public struct Checks: Equatable, Sendable {
    public var heloRequired: Bool                    // smtpd_helo_required
    public var fqdn: Set<CheckTarget>                // reject_non_fqdn_{helo_hostname,sender,recipient}
    public var invalidHelo: Bool                     // reject_invalid_helo_hostname
    public var knownDomain: Set<CheckTarget>         // reject_unknown_{sender,recipient}_domain (DNS)
    public var multiRecipientBounce: Bool            // reject_multi_recipient_bounce
    /// Restrictions (by their current Postfix name) that only log: `warn_if_reject` before them.
    public var warnOnly: [String]

    public init(heloRequired: Bool = true, fqdn: Set<CheckTarget> = [], invalidHelo: Bool = false,
                knownDomain: Set<CheckTarget> = [], multiRecipientBounce: Bool = false, warnOnly: [String] = []) {
        self.heloRequired = heloRequired
        self.fqdn = fqdn
        self.invalidHelo = invalidHelo
        self.knownDomain = knownDomain
        self.multiRecipientBounce = multiRecipientBounce
        self.warnOnly = warnOnly
    }
}

/// `[dnsbl]`: reject_rbl_client ZONE[=FILTER].
public struct DNSBL: Equatable, Sendable {
    public var zone: DomainName
    /// Postfix reply filter, e.g. `127.0.0.[2..11]`; nil accepts any A record (dangerous for Spamhaus).
    public var replyFilter: String?
    public init(zone: DomainName, replyFilter: String? = nil) {
        self.zone = zone
        self.replyFilter = replyFilter
    }
}

/// `[greylisting]`: postgrey, reached with check_policy_service inet:HOST:PORT.
public struct Greylisting: Equatable, Sendable {
    public var listen: Endpoint
    public var delay: Int                            // seconds (postgrey --delay, default 300)
    public init(listen: Endpoint, delay: Int = 300) {
        self.listen = listen
        self.delay = delay
    }
}

/// `[policyd-weight]`.
public struct PolicydWeight: Equatable, Sendable {
    public var listen: Endpoint
    public init(listen: Endpoint) { self.listen = listen }
}

/// `[antivirus]`: clamd.conf.
public struct Antivirus: Equatable, Sendable {
    public var listen: IPAddress?                    // TCPAddr (nil: local socket only)
    public var port: Int                             // TCPSocket (3310)
    /// Hosts that scan over TCP (`remote-clients`): clamd listens on TCP only for them.
    public var remoteClients: [IPAddress]
    public var socket: String?                       // LocalSocket; nil: the platform's default
    public var databaseDirectory: String?            // nil: the platform's default
    public var streamMaxLength: ByteSize             // must be >= message_size_limit
    public var maxFileSize: ByteSize?
    public var maxScanSize: ByteSize?

    public init(listen: IPAddress? = nil, port: Int = 3310, remoteClients: [IPAddress] = [], socket: String? = nil,
                databaseDirectory: String? = nil, streamMaxLength: ByteSize = ByteSize(bytes: 25 << 20),
                maxFileSize: ByteSize? = nil, maxScanSize: ByteSize? = nil) {
        self.listen = listen
        self.port = port
        self.remoteClients = remoteClients
        self.socket = socket
        self.databaseDirectory = databaseDirectory
        self.streamMaxLength = streamMaxLength
        self.maxFileSize = maxFileSize
        self.maxScanSize = maxScanSize
    }
}

/// `[signatures]`: freshclam.conf.
public struct Signatures: Equatable, Sendable {
    public var mirrors: [DomainName]                 // DatabaseMirror
    public var notifyClamd: Bool                     // NotifyClamd <emitted clamd.conf>
    public var checksPerDay: Int                     // Checks
    public init(mirrors: [DomainName] = [], notifyClamd: Bool = true, checksPerDay: Int = 12) {
        self.mirrors = mirrors
        self.notifyClamd = notifyClamd
        self.checksPerDay = checksPerDay
    }
}

/// `[content-filter]`: amavisd-new between two smtpd hops.
public struct ContentFilter: Equatable, Sendable {
    public var listen: Endpoint                      // amavis $inet_socket_port; content_filter target
    public var reinject: Endpoint                    // the reinjection smtpd in master.cf
    public var maxServers: Int                       // amavis $max_servers == smtp-amavis maxproc
    public init(listen: Endpoint, reinject: Endpoint, maxServers: Int = 2) {
        self.listen = listen
        self.reinject = reinject
        self.maxServers = maxServers
    }
}

/// `[spamassassin]`: local.cf.
public struct SpamAssassin: Equatable, Sendable {
    public var requiredScore: Double
    public var bayes: Bool
    public init(requiredScore: Double = 5.0, bayes: Bool = true) {
        self.requiredScore = requiredScore
        self.bayes = bayes
    }
}

/// `[restrictions]`: explicit lists that replace the compiled ones; the linter checks them like
/// any hand-written main.cf. Each entry is one restriction with its arguments, e.g.
/// `check_helo_access pcre:/usr/local/etc/postfix/helo_checks`.
public struct RestrictionOverrides: Equatable, Sendable {
    public var client: [String]?
    public var helo: [String]?
    public var sender: [String]?
    public var recipient: [String]?
    public var relay: [String]?
    public init(client: [String]? = nil, helo: [String]? = nil, sender: [String]? = nil,
                recipient: [String]? = nil, relay: [String]? = nil) {
        self.client = client
        self.helo = helo
        self.sender = sender
        self.recipient = recipient
        self.relay = relay
    }
}
