import FoundationEssentials
import Diagnostics
import PostfixConfig

/// GW5002: Postfix's content_filter and amavis's listener and re-injection path must meet.
struct AmavisWiringRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5002", name: "amavis-wiring", severity: .error,
        summary: "`content_filter` and the re-injection smtpd do not fit together",
        rationale: """
        With `content_filter = smtp-amavis:[127.0.0.1]:10024` Postfix hands every message to \
        amavis through the master.cf transport `smtp-amavis`; amavis returns it to an smtpd on \
        127.0.0.1:10025 that must set `content_filter=` (else the message goes back to amavis \
        for ever) and should set `receive_override_options=no_header_body_checks,\
        no_unknown_recipient_checks,no_milters` (else checks run twice). A missing transport \
        defers all mail; a port that differs from amavis's `$inet_socket_port` does too. The \
        re-injection smtpd is the one on the port the filter sends mail back to (amavis's \
        `$forward_method`, else the filter's port + 1): other smtpd listeners, such as an \
        alternate public port, keep the filter.
        """,
        triggering: [
            .postfix(mainCf: "content_filter = ↓smtp-amavis:[127.0.0.1]:10024\n",
                     [("master.cf", "smtp inet n - y - - smtpd\n")]),
            .postfix(mainCf: "content_filter = smtp-amavis:[127.0.0.1]:10024\n",
                     [("master.cf", "smtp inet n - y - - smtpd\nsmtp-amavis unix - - n - 2 smtp\n↓127.0.0.1:10025 inet n - n - - smtpd\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "content_filter = smtp-amavis:[127.0.0.1]:10024\n", [("master.cf", """
            smtp inet n - y - - smtpd
            smtp-amavis unix - - n - 2 smtp
            127.0.0.1:10025 inet n - n - - smtpd
              -o content_filter=
              -o receive_override_options=no_header_body_checks,no_unknown_recipient_checks,no_milters
            """)]),
            // A public alternate port is not the re-injection listener: it must keep the filter.
            .postfix(mainCf: "content_filter = smtp-amavis:[127.0.0.1]:10024\n", [("master.cf", """
            smtp inet n - y - - smtpd
            2525 inet n - y - - smtpd
            26 inet n - y - - smtpd
            smtp-amavis unix - - n - 2 smtp
            127.0.0.1:10025 inet n - n - - smtpd
              -o content_filter=
              -o receive_override_options=no_header_body_checks,no_unknown_recipient_checks,no_milters
            """)]),
            // Kolab-style chain: mail back from amavis on 10025 goes on to a second filter,
            // which returns it to 10027.
            .postfix(mainCf: "content_filter = smtp-amavis:[127.0.0.1]:10024\n", [("master.cf", """
            smtp inet n - n - - smtpd
            smtp-amavis unix - - n - 3 smtp
            smtp-wallace unix - - n - 3 smtp
            127.0.0.1:10025 inet n - n - - smtpd
              -o receive_override_options=no_header_body_checks,no_unknown_recipient_checks
              -o content_filter=smtp-wallace:[127.0.0.1]:10026
            127.0.0.1:10027 inet n - n - - smtpd
              -o content_filter=
              -o receive_override_options=no_header_body_checks,no_unknown_recipient_checks
            """)]),
            // Zimbra-style: the filter on 10032, amavis (not linted) returns mail to 10025.
            .postfix(mainCf: "content_filter = smtp-amavis:[127.0.0.1]:10032\n", [("master.cf", """
            smtp inet n - n - - smtpd
            smtp-amavis unix - - n - 10 smtp
            127.0.0.1:10025 inet n - n - - smtpd
              -o content_filter=
              -o receive_override_options=no_header_body_checks,no_unknown_recipient_checks,no_milters
            """)]),
        ])

    static let publicPorts: Set<String> = ["smtp", "25", "submission", "587", "smtps", "submissions", "465"]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf, let master = config.masterCf else { return [] }
        let main = config.parameters(for: nil)
        let filter = main.value("content_filter")
        guard !filter.isEmpty, let colon = filter.firstIndex(of: ":") else { return [] }
        let transport = String(filter[..<colon])
        let nexthop = String(filter[filter.index(after: colon)...])
        let span = main.anchor("content_filter")
        var out: [Diagnostic] = []
        if !master.services.contains(where: { $0.name == transport && $0.type == "unix" }) {
            out.append(Self.diagnostic("`content_filter` names transport `\(transport)`, which master.cf does not define: all mail is deferred",
                                       at: span, fix: "add `\(transport) unix - - n - 2 smtp` to master.cf"))
        }
        // The re-injection listener is where the filter sends mail back: amavis's
        // `$forward_method` (default smtp:[127.0.0.1]:10025), else the filter's port + 1 (the
        // amavis convention). Any other smtpd, e.g. a public alternate port such as 2525 or
        // Proxmox's internal 26, is not one: clearing content_filter there lets mail bypass scanning.
        let amavis = AmavisSettings.of(config)
        // A filter port that is itself one of master.cf's smtpd listeners is GW5004's finding
        // (nothing is scanned); the return path then means nothing.
        let filterPort = nexthop.split(separator: ":").last.flatMap { Int($0) }
        let filterIsOwnSmtpd = master.services.contains { $0.isSMTPServer && $0.type == "inet" && Self.port(ofService: $0.name) == filterPort }
        let backPort = filterIsOwnSmtpd ? nil : Self.backPort(amavis: amavis, nexthop: nexthop)
        var reinjection = master.services.filter { s in
            s.isSMTPServer && s.type == "inet" && backPort != nil && Self.port(ofService: s.name) == backPort
        }
        // Without amavis's files the port + 1 is a guess. A listener off the public ports that
        // clears content_filter itself (Zimbra's 127.0.0.1:10025 behind a filter on 10032) is
        // the way back that amavis's `$forward_method` names.
        if amavis == nil, backPort != nil, reinjection.isEmpty {
            reinjection = master.services.filter { s in
                s.isSMTPServer && s.type == "inet" && !Self.publicPorts.contains(String(s.name.split(separator: ":").last ?? ""))
                    && s.overrides.contains { $0.name == "content_filter" && $0.value.isEmpty }
            }
        }
        if let backPort, reinjection.isEmpty {
            out.append(Self.diagnostic("no smtpd listens on port \(backPort), where the filter sends mail back",
                                       at: span, fix: "add `127.0.0.1:\(backPort) inet n - n - - smtpd -o content_filter=` to master.cf",
                                       severity: .warning))
        }
        for s in reinjection {
            let scope = config.parameters(for: s)
            // Only the same filter loops; another one (Kolab's amavis on 10024, then its own
            // filter on 10026 from the 10025 listener) is the next link of a chain.
            if !scope.value("content_filter").isEmpty, scope.value("content_filter") == filter {
                out.append(Self.diagnostic("mail re-injected on `\(s.name)` is sent through `\(transport)` again: it loops",
                                           at: s.span, fix: "add `-o content_filter=` to `\(s.name)`"))
            }
            let options = Set(scope.list("receive_override_options").map(\.text))
            let missing = ["no_header_body_checks", "no_unknown_recipient_checks"].filter { !options.contains($0) }
            if !missing.isEmpty, scope.value("content_filter").isEmpty {
                out.append(Self.diagnostic("`\(s.name)` repeats \(missing.map { "`\($0)`" }.joined(separator: " and ")) work on filtered mail",
                                           at: s.span, fix: "add `-o receive_override_options=no_header_body_checks,no_unknown_recipient_checks,no_milters`",
                                           severity: .warning))
            }
        }
        // amavis's own files, when they were linted too.
        if let amavis {
            if let port = amavis.value("inet_socket_port").flatMap({ Int($0.filter { $0.isNumber }.prefix(5)) }),
               let last = nexthop.split(separator: ":").last, let filterPort = Int(last), filterPort != port {
                out.append(Self.diagnostic("`content_filter` sends to port \(filterPort) but amavis listens on \(port) (`$inet_socket_port`)",
                                           at: span, fix: "use port \(port) in `content_filter`"))
            }
            if let servers = amavis.value("max_servers").flatMap({ Int($0) }),
               let t = master.services.first(where: { $0.name == transport }), let maxproc = Int(t.maxproc), maxproc != servers {
                out.append(Self.diagnostic("`\(transport)` runs \(maxproc) processes but amavis has `$max_servers = \(servers)`",
                                           at: t.fieldSpans.count > 6 ? t.fieldSpans[6] : t.span,
                                           fix: "set the maxproc field of `\(transport)` to \(servers)", severity: .warning))
            }
        }
        return out
    }
}

extension AmavisWiringRule {
    /// The port a `[host]:port`, `host:port` or service name (`smtp`) denotes.
    static func port(ofService name: String) -> Int? {
        let last = name.split(separator: ":").last.map(String.init) ?? name
        if let n = Int(last) { return n }
        return ["smtp": 25, "submission": 587, "smtps": 465, "submissions": 465][last]
    }

    /// Where the content filter sends mail back to Postfix.
    static func backPort(amavis: AmavisSettings?, nexthop: String) -> Int? {
        if let amavis {
            // amavisd's default $forward_method is smtp:[127.0.0.1]:10025.
            let method = amavis.value("forward_method") ?? "smtp:[127.0.0.1]:10025"
            if let last = method.split(separator: ":").last, let n = Int(last.prefix { $0.isNumber }) { return n }
        }
        guard let last = nexthop.split(separator: ":").last, let n = Int(last) else { return nil }
        return n + 1
    }
}

/// `$name = value;` assignments from amavis's Perl configuration (a file or a conf.d dir).
struct AmavisSettings: Sendable {
    var values: [String: String] = [:]
    /// Where each value was (last) set: the name's `$` in its file.
    var spans: [String: SourceSpan] = [:]
    /// The files read, in amavis's order (a conf.d directory's files sorted by name).
    var files: [String] = []
    /// Each file's text, for settings that span lines (`@av_scanners`).
    var texts: [String: String] = [:]
    /// True when the files are Debian's conf.d stack (`amavis/conf.d`), whose packaged
    /// snippets (01-debian ... 20-debian_defaults) run before the admin's 50-user.
    var isDebianConfD = false

    /// The settings of `config`'s amavis companion, read once per run: five rules ask.
    static func of(_ config: PostfixConfigSet) -> AmavisSettings? {
        guard let path = config.companion("amavis") else { return nil }
        return config.tables.derived("amavis-settings\u{0}" + path) { AmavisSettings(config) }
    }

    private init?(_ config: PostfixConfigSet) {
        guard let path = config.companion("amavis") else { return nil }
        var files = [path]
        var isDir = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir {
            files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
                .filter { !$0.hasPrefix(".") }
                .map { PostfixConfigSet.joinPath(path, $0) }
        }
        isDebianConfD = path.hasSuffix("conf.d") || path.hasSuffix("conf.d/") || path.contains("/conf.d/")
        self.files = files
        for f in files {
            guard let bytes = config.readFile(f) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            texts[f] = text
            // Only `$name = value;` lines matter: found as bytes, each decoded alone. Splitting
            // the bytes at LF is splitting the text at "\n" unless it holds a CR ("\r\n" is one
            // Character): such a text is split as a String, as before.
            let lines: [(Int, Substring)]
            if bytes.contains(0x0D) {
                lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { ($0.offset, $0.element) }
            } else {
                lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated().compactMap { n, line in
                    line.first { $0 != 0x20 && $0 != 0x09 } == UInt8(ascii: "$")
                        ? (n, Substring(String(decoding: line, as: UTF8.self))) : nil
                }
            }
            for (n, line) in lines {
                let t = line.drop { $0 == " " || $0 == "\t" }
                guard t.hasPrefix("$"), let eq = t.firstIndex(of: "="), let semi = t.firstIndex(of: ";"), eq < semi else { continue }
                let name = t[t.index(after: t.startIndex)..<eq].trimmingBlanks()
                var value = t[t.index(after: eq)..<semi].trimmingBlanks()
                if value.hasPrefix("'") || value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
                values[name] = value
                spans[name] = SourceSpan(file: f, line: n + 1, column: line.count - t.count + 1)
            }
        }
    }

    func value(_ name: String) -> String? { values[name] }
    /// The file that set `name` last, if any.
    func file(of name: String) -> String? { spans[name]?.file }

}
