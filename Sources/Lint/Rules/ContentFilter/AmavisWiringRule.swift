import Foundation
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
        defers all mail; a port that differs from amavis's `$inet_socket_port` does too.
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
        // smtpd listeners other than the public ones receive re-injected mail.
        let reinjection = master.services.filter { s in
            s.isSMTPServer && s.type == "inet" && !Self.publicPorts.contains(String(s.name.split(separator: ":").last ?? ""))
        }
        if reinjection.isEmpty {
            out.append(Self.diagnostic("no smtpd listens for mail coming back from the filter (amavis sends it to 127.0.0.1:10025)",
                                       at: span, fix: "add `127.0.0.1:10025 inet n - n - - smtpd -o content_filter=` to master.cf",
                                       severity: .warning))
        }
        for s in reinjection {
            let scope = config.parameters(for: s)
            if !scope.value("content_filter").isEmpty {
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
        if let amavis = AmavisSettings(config) {
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

/// `$name = value;` assignments from amavis's Perl configuration (a file or a conf.d dir).
struct AmavisSettings {
    var values: [String: String] = [:]

    init?(_ config: PostfixConfigSet) {
        guard let path = config.companion("amavis") else { return nil }
        var files = [path]
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
                .map { PostfixConfigSet.joinPath(path, $0) }
        }
        for f in files {
            guard let bytes = config.readFile(f) else { continue }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                let t = line.drop { $0 == " " || $0 == "\t" }
                guard t.hasPrefix("$"), let eq = t.firstIndex(of: "="), let semi = t.firstIndex(of: ";"), eq < semi else { continue }
                let name = t[t.index(after: t.startIndex)..<eq].trimmingCharacters(in: .whitespaces)
                var value = t[t.index(after: eq)..<semi].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("'") || value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
                values[name] = value
            }
        }
    }

    func value(_ name: String) -> String? { values[name] }
}
