import Diagnostics
import PostfixConfig

/// GW5042: rspamd's antivirus module asks clamd somewhere clamd does not listen.
struct RspamdClamdSocketRule: PostfixRule {
    init() {}
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW5042", name: "rspamd-clamd-unreachable", severity: .error,
        summary: "rspamd's antivirus `servers` is not a socket or address clamd.conf listens on",
        rationale: """
        rspamd's antivirus module connects to the clamd named by `servers` (local.d/\
        antivirus.conf): a socket path or `host:port`. When clamd listens elsewhere (another \
        `LocalSocket`, no `TCPSocket`), every scan fails; rspamd only adds a `_FAIL` symbol and, \
        unless a force action turns that into a tempfail, viruses pass.
        """,
        triggering: [
            RuleExample([("postfix/main.cf", "smtpd_milters = inet:localhost:11332\n"),
                         ("clamav/clamd.conf", "LocalSocket /run/clamav/clamd.ctl\n"),
                         ("rspamd/local.d/antivirus.conf", "clamav {\n  type = \"clamav\";\n  ↓servers = \"/var/run/clamav/clamd.sock\";\n}\n")]),
        ],
        nonTriggering: [
            RuleExample([("postfix/main.cf", "smtpd_milters = inet:localhost:11332\n"),
                         ("clamav/clamd.conf", "LocalSocket /var/run/clamav/clamd.sock\n"),
                         ("rspamd/local.d/antivirus.conf", "clamav {\n  servers = \"/var/run/clamav/clamd.sock\";\n}\n")]),
            RuleExample([("postfix/main.cf", "smtpd_milters = inet:localhost:11332\n"),
                         ("clamav/clamd.conf", "TCPSocket 3310\nTCPAddr 192.168.40.3\n"),
                         ("rspamd/local.d/antivirus.conf", "clamav {\n  servers = \"192.168.40.3:3310\";\n}\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let rspamd = RspamdFiles(config), let clamd = config.clamConf("clamd.conf"),
              let (servers, file) = rspamd.values("servers", in: "antivirus.conf") else { return [] }
        var listens: [String] = []
        if let s = clamd.value("LocalSocket") { listens.append(PostfixConfigSet.lexicallyNormalized(s)) }
        if let port = clamd.value("TCPSocket") {
            let addr = clamd.value("TCPAddr") ?? "*"
            listens.append("\(addr):\(port)")
            if addr == "127.0.0.1" || addr == "localhost" { listens += ["localhost:\(port)", "127.0.0.1:\(port)"] }
        }
        var out: [Diagnostic] = []
        for server in servers {
            let targets = server.split(separator: ",").map { String($0).trimming(" ") }
            let reached = targets.contains { t in
                t.hasPrefix("/") ? listens.contains(PostfixConfigSet.lexicallyNormalized(t))
                    : listens.contains(t) || listens.contains { $0.hasPrefix("*:") && t.hasSuffix(String($0.dropFirst())) }
            }
            guard !reached else { continue }
            let text = (config.readFile(file)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let line = (text.split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.contains("servers") && $0.contains(server) } ?? 0) + 1
            let column = (text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(line - 1).first?
                .prefix { $0 == " " || $0 == "\t" }.count ?? 0) + 1
            out.append(Self.diagnostic("rspamd asks clamd at `\(server)`, but clamd.conf listens on "
                                       + (listens.isEmpty ? "nothing rspamd can reach" : listens.map { "`\($0)`" }.joined(separator: ", ")),
                                       at: SourceSpan(file: file, line: line, column: column),
                                       notes: [.init("clamd's configuration", at: .file(clamd.file))],
                                       fix: "set `servers` to clamd's `LocalSocket` (or `TCPAddr:TCPSocket`)"))
        }
        return out
    }
}
