import Diagnostics
import PostfixConfig

/// GW5016: clamd listens on TCP beyond loopback while the filter uses its local socket.
struct ClamdTCPUnusedRule: PostfixRule {
    init() {}
    /// A build must never emit what this rule reports.
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW5016", name: "clamd-tcp-unused", severity: .warning,
        summary: "clamd listens on TCP beyond loopback but amavis asks it on the local socket",
        rationale: """
        clamd's protocol has no authentication. A `TCPSocket` on the LAN address (or, without \
        `TCPAddr`, on every address) lets any host that reaches it scan files, read `VERSION` \
        and stop clamd with one `zSHUTDOWN`; the next virus then meets no scanner. When \
        amavis uses the local socket, nothing needs the TCP listener: remove it, or bind it to \
        loopback, or admit only the remote scanners in the packet filter.
        """,
        triggering: [
            .postfix(mainCf: "", [("clamd.conf", "LocalSocket /run/clamav/clamd.ctl\nTCPAddr 192.168.40.3\n↓TCPSocket 3310\n"),
                                  ("amavis/conf.d/50-user",
                                   "@av_scanners = (['ClamAV-clamd', \\&ask_daemon, [\"CONTSCAN {}\\n\", '/run/clamav/clamd.ctl'], qr/OK/m, qr/FOUND/m, qr/(.*) FOUND/m ]);\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "", [("clamd.conf", "LocalSocket /run/clamav/clamd.ctl\nTCPAddr 127.0.0.1\nTCPSocket 3310\n"),
                                  ("amavis/conf.d/50-user", "$mydomain = 'example.com';\n")]),
            .postfix(mainCf: "", [("clamd.conf", "TCPAddr 192.168.40.3\nTCPSocket 3310\n"),
                                  ("amavis/conf.d/50-user",
                                   "@av_scanners = (['ClamAV-clamd', \\&ask_daemon, [\"CONTSCAN {}\\n\", '192.168.40.3:3310'], qr/OK/m, qr/FOUND/m, qr/(.*) FOUND/m ]);\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let clamd = config.clamConf("clamd.conf"), let tcp = clamd.option("TCPSocket"),
              let amavis = AmavisSettings.of(config) else { return [] }
        let addresses = clamd.options.filter { $0.name == "TCPAddr" }.map(\.value)
        let loopbackOnly = !addresses.isEmpty && addresses.allSatisfy {
            $0.hasPrefix("127.") || $0 == "::1" || $0 == "localhost"
        }
        guard !loopbackOnly else { return [] }
        // amavis reaches clamd over TCP when a scanner entry names `host:port` (or `[host]:port`).
        let port = tcp.value
        if amavis.texts.values.contains(where: { $0.contains(":" + port + "'") || $0.contains(":" + port + "\"") }) { return [] }
        let where_ = addresses.isEmpty ? "every address" : addresses.joined(separator: ", ")
        return [Self.diagnostic("clamd listens on TCP port \(port) on \(where_), but amavis uses the local socket: any host that reaches it can stop clamd",
                                at: tcp.nameSpan,
                                notes: addresses.isEmpty ? [] : [.init("bound here", at: clamd.option("TCPAddr")?.valueSpan)],
                                fix: "remove `TCPSocket` and `TCPAddr`, or bind `TCPAddr 127.0.0.1`")]
    }
}
