/// `[content-filter] engine`: which program filters accepted mail.
public enum FilterEngine: String, Sendable, CaseIterable {
    /// amavisd-new after the queue (`content_filter`, reinjection smtpd), postgrey and
    /// policyd-weight as Postfix policy services: the tutorial's stack.
    case amavis
    /// rspamd as a milter during the SMTP session: spam scores, greylisting, SPF/DKIM/DMARC and
    /// ClamAV in one daemon, its state in Redis.
    case rspamd
}

/// The rspamd engine (`[content-filter] engine = rspamd`), assembled from the sections the amavis
/// stack reads too, so one gateway.conf can build either: `[content-filter] listen` is the milter
/// address, `[greylisting]` the greylist module, `[spamassassin] required-score` the add-header
/// threshold, `[antivirus]` the clamd that rspamd's antivirus module asks. `[rspamd]` holds what
/// only rspamd has (Redis, reject threshold, what to do with a virus, DNS resolvers).
/// With this engine the model has no `contentFilter`, `greylisting` or `policydWeight`: no
/// amavis pair, no postgrey and no policyd-weight are built.
public struct Rspamd: Equatable, Sendable {
    /// The proxy worker in milter mode (`bind_socket`); Postfix's `smtpd_milters = inet:...`.
    public var milter: Endpoint
    /// Proxy worker processes (`[content-filter] max-servers`).
    public var workers: Int
    /// Redis servers for greylisting, Bayes and rate limits; several gateways share one.
    public var redis: [Endpoint]
    /// `[greylisting]`: rspamd's greylist module instead of postgrey.
    public var greylist: RspamdGreylist?
    /// Score for `add_header` (the X-Spam header): `[spamassassin] required-score`.
    public var addHeaderScore: Double
    /// Score for `reject`; nil never rejects on the score (GTUBE included: tagged only).
    public var rejectScore: Double?
    /// What a virus found by clamd does.
    public var virusAction: VirusAction
    /// Resolvers rspamd asks (`options.inc` `dns.nameserver`); empty: /etc/resolv.conf.
    public var dns: [Endpoint]

    public enum VirusAction: String, Sendable, CaseIterable {
        /// 554 at the end of DATA: the sender learns of it, nothing is kept.
        case reject
        /// Accepted and held in Postfix's hold queue (milter quarantine) for an admin.
        case quarantine
    }

    public init(milter: Endpoint, workers: Int = 2, redis: [Endpoint] = [], greylist: RspamdGreylist? = nil,
                addHeaderScore: Double = 5.0, rejectScore: Double? = 15, virusAction: VirusAction = .reject,
                dns: [Endpoint] = []) {
        self.milter = milter
        self.workers = workers
        self.redis = redis
        self.greylist = greylist
        self.addHeaderScore = addHeaderScore
        self.rejectScore = rejectScore
        self.virusAction = virusAction
        self.dns = dns
    }
}

/// `[greylisting]` under rspamd: the greylist module, its records in Redis.
public struct RspamdGreylist: Equatable, Sendable {
    /// Seconds a new (client network, sender, recipients) triplet or message body waits
    /// (`timeout`; postgrey's `--delay`).
    public var delay: Int
    /// Seconds a record lives in Redis (`expire`).
    public var expiry: Int
    /// Messages scoring below this are not greylisted; nil greylists every new triplet, as
    /// postgrey does (rspamd's own default is 4).
    public var minimumScore: Double?

    public init(delay: Int = 300, expiry: Int = 86_400, minimumScore: Double? = nil) {
        self.delay = delay
        self.expiry = expiry
        self.minimumScore = minimumScore
    }
}
