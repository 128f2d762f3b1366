import Diagnostics
import ConfigModel
import GatewayCompiler

/// GW6105: a path in gateway.conf that belongs to another platform's layout.
struct PlatformPathRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW6105", name: "foreign-platform-path", severity: .error,
        summary: "a path in gateway.conf (ClamAV, a table in `[restrictions]`) belongs to another platform's package layout",
        rationale: """
        Each platform's packages create their own directories: Debian's ClamAV keeps signatures \
        in /var/lib/clamav and its clamav-daemon.socket listens on /run/clamav/clamd.ctl; the \
        FreeBSD port uses /var/db/clamav and /var/run/clamav/clamd.sock. A FreeBSD path in a \
        Debian build makes clamd fail `cl_load(): No such file or directory` and freshclam fail \
        to create it; a socket other than the one the socket unit listens on is never created \
        under socket activation, so amavis cannot reach clamd. Leave the key out to get the \
        platform's own path.
        """,
        triggering: [
            GatewayExample.config(gateway: "platform = debian", "[antivirus]\ndatabase-directory = ↓/var/db/clamav\n"),
            GatewayExample.config(gateway: "platform = debian", "[antivirus]\nsocket = ↓/var/run/clamav/clamd.sock\n"),
            GatewayExample.config(gateway: "platform = freebsd", "[antivirus]\nsocket = ↓/run/clamav/clamd.ctl\n"),
            GatewayExample.config(gateway: "platform = debian",
                                  "[restrictions]\nhelo = ↓check_helo_access pcre:/usr/local/etc/postfix/helo_checks\n"),
        ],
        nonTriggering: [
            GatewayExample.config(gateway: "platform = debian", "[antivirus]\nstream-max-length = 25M\n"),
            GatewayExample.config(gateway: "platform = freebsd", "[antivirus]\ndatabase-directory = /var/db/clamav\nsocket = /var/run/clamav/clamd.sock\n"),
            GatewayExample.config(gateway: "platform = debian", "[restrictions]\nhelo = check_helo_access pcre:/etc/postfix/helo_checks\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        let g = document.gateway
        let p = PlatformPaths.forPlatform(g.identity.platform)
        let name = g.identity.platform.rawValue
        var out = restrictionPaths(document, p)
        guard let av = g.antivirus else { return out }
        for (key, value, own) in [("antivirus.database-directory", av.databaseDirectory, p.clamavDatabase),
                                  ("antivirus.socket", av.socket, p.clamdSocket)] {
            guard let value else { continue }
            if p.foreignPrefixes.contains(where: { value.hasPrefix($0) }) {
                out.append(Self.diagnostic("`\(value)` is another platform's path; the \(name) packages use `\(own)`",
                                           at: document.span(key), fix: "remove the key to use `\(own)`"))
            } else if key == "antivirus.socket", g.identity.platform == .debian,
                      value != own, value != "/var" + own {
                out.append(Self.diagnostic("Debian's clamav-daemon.socket listens on `\(own)`; under socket activation clamd never creates `\(value)` and amavis cannot reach it",
                                           at: document.span(key), fix: "remove `socket` to use `\(own)`", severity: .warning))
            }
        }
        return out
    }

    /// Tables in `[restrictions]` lists under the other platform's Postfix directory
    /// (`pcre:/usr/local/etc/postfix/helo_checks` in a Debian build): Postfix would not find them.
    private func restrictionPaths(_ document: GatewayDocument, _ p: PlatformPaths) -> [Diagnostic] {
        let g = document.gateway
        let others = Platform.allCases.filter { $0 != g.identity.platform }.map { PlatformPaths.forPlatform($0).postfixConfig + "/" }
        let lists: [(String, [String]?)] = [("client", g.restrictions.client), ("helo", g.restrictions.helo),
                                            ("sender", g.restrictions.sender), ("recipient", g.restrictions.recipient),
                                            ("relay", g.restrictions.relay)]
        var out: [Diagnostic] = []
        for (key, items) in lists {
            for (i, item) in (items ?? []).enumerated() {
                for word in item.split(separator: " ") {
                    guard let colon = word.firstIndex(of: ":") else { continue }
                    let path = word[word.index(after: colon)...]
                    guard let other = others.first(where: { path.hasPrefix($0) }) else { continue }
                    let own = p.postfixConfig + "/" + path.dropFirst(other.count)
                    out.append(Self.diagnostic("`\(path)` is another platform's Postfix directory; this \(g.identity.platform.rawValue) build keeps its tables in `\(p.postfixConfig)`",
                                               at: document.span("restrictions.\(key)[\(i)]"), fix: "write `\(own)`"))
                }
            }
        }
        return out
    }
}
