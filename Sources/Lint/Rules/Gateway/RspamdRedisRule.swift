import Diagnostics
import ConfigModel

/// GW5141: rspamd's greylisting without a reachable Redis.
struct RspamdRedisRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW5141", name: "rspamd-greylisting-without-redis", severity: .error,
        summary: "rspamd greylisting without Redis, or with a Redis the jail cannot reach",
        rationale: """
        rspamd's greylist module keeps its records in Redis and nowhere else. Without \
        `[rspamd] redis` the module disables itself at start-up with one log line, and every \
        message is accepted on its first try: `[greylisting]` reads as on and does nothing. A \
        Redis on 127.0.0.1 in a FreeBSD jail without lo0 (`loopback = no`) cannot be reached: \
        every greylisting check fails the same way.
        """,
        triggering: [
            GatewayExample.config("[↓greylisting]\ndelay = 300\n[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n"),
            GatewayExample.config(gateway: "listen-ip = 192.168.40.3\nloopback = no\n",
                                  "[greylisting]\ndelay = 300\n[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n[rspamd]\nredis = ↓127.0.0.1:6379\n"),
        ],
        nonTriggering: [
            GatewayExample.config("[greylisting]\ndelay = 300\n[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n[rspamd]\nredis = 192.168.40.3:6379\n"),
            GatewayExample.config("[content-filter]\nengine = rspamd\nlisten = 192.168.40.3:11332\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        guard let r = document.gateway.rspamd, r.greylist != nil else { return [] }
        guard !r.redis.isEmpty else {
            return [Self.diagnostic("`[greylisting]` with `engine = rspamd` needs Redis: without `[rspamd] redis` no message is ever greylisted",
                                    at: document.span("greylisting"),
                                    fix: "add `[rspamd]` with `redis = HOST:PORT` (one Redis may serve several gateways)")]
        }
        guard !document.gateway.identity.loopback else { return [] }
        var out: [Diagnostic] = []
        for (i, e) in r.redis.enumerated() where e.host.isLoopback {
            out.append(Self.diagnostic("Redis `\(e)` is on loopback, but `loopback = no`: rspamd in the jail cannot reach it",
                                       at: document.span("rspamd.redis[\(i)]"),
                                       notes: document.spans["gateway.loopback"].map { [.init("`loopback = no` set here", at: $0)] } ?? [],
                                       fix: "use the jail's `listen-ip` or the shared Redis host's address"))
        }
        return out
    }
}
