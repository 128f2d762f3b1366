import Diagnostics

/// gateway.conf text -> `GatewayDocument`. Never traps on input: every problem is a
/// `Diagnostic` with file, line and column. The document is nil when any error was found, so
/// that semantic rules only ever see a complete, valid model.
public enum GatewayParser {
    /// Parses `text` as if read from `file`. `overrides` are `section.key=value` strings (from
    /// `--set`) applied before validation; relative paths resolve against `file`'s directory.
    public static func parse(text: String, file: String, overrides: [String] = [])
        -> (document: GatewayDocument?, diagnostics: [Diagnostic]) {
        var text = text
        return text.withUTF8 { parse(bytes: $0, file: file, overrides: overrides) }
    }

    public static func parse(bytes: UnsafeBufferPointer<UInt8>, file: String, overrides: [String] = [],
                             readFiles: Bool = true) -> (document: GatewayDocument?, diagnostics: [Diagnostic]) {
        let (lines, lexDiagnostics) = GatewayLexer.lex(bytes, file: file)
        var diagnostics = lexDiagnostics
        if lines.isEmpty, lexDiagnostics.isEmpty, overrides.isEmpty {
            diagnostics.append(SyntaxFinding.emptyFile.diagnostic(
                "file holds no sections", at: .file(file), fix: "start with `[gateway]`; see gatewayctl.conf(5)"))
            return (nil, diagnostics)
        }
        var raw = RawDocument.group(lines, file: file, diagnostics: &diagnostics)
        raw.apply(overrides: overrides, diagnostics: &diagnostics)
        var reader = ModelReader(file: file, baseDirectory: directory(of: file), readFiles: readFiles)
        reader.possiblyPresent = raw.possiblyPresent
        let gateway = reader.gateway(raw)
        diagnostics += reader.diagnostics
        guard let gateway, !diagnostics.contains(where: { $0.severity == .error }) else { return (nil, diagnostics) }
        var spans = reader.spans
        for s in raw.sections where spans[s.name.text] == nil { spans[s.name.text] = s.name.span }
        return (GatewayDocument(path: file, gateway: gateway, spans: spans), diagnostics)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

extension ModelReader {
    /// Reads every section (all of them, so one run reports every problem), then assembles.
    mutating func gateway(_ raw: RawDocument) -> Gateway? {
        for s in raw.sections { spans[s.name.text] = s.name.span }
        let identity = self.identity(raw.section("gateway"))
        let relay = self.relay(raw.section("relay"))
        let recipients = self.recipients(raw.section("recipients"))
        let aliases = self.aliases(raw.section("aliases"))
        let local = self.local(raw.section("local"))
        let clients = self.clients(raw.section("clients"))
        let helo = self.helo(raw.section("helo"))
        let senders = self.senders(raw.section("senders"))
        let checks = self.checks(raw.section("checks"))
        let dnsbls = self.dnsbls(raw.section("dnsbl"))
        // rspamd reads [content-filter] and [greylisting] with other required keys (and an
        // unknown engine reads neither: its one finding says enough).
        let engine = self.engine(raw)
        let greylisting = engine != .amavis ? .some(nil) : self.greylisting(raw.section("greylisting"))
        let policyd = self.policydWeight(raw.section("policyd-weight"))
        let antivirus = self.antivirus(raw.section("antivirus"))
        let signatures = self.signatures(raw.section("signatures"))
        let contentFilter = engine != .amavis ? .some(nil) : self.contentFilter(raw.section("content-filter"))
        let spamassassin = self.spamassassin(raw.section("spamassassin"))
        let restrictions = self.restrictions(raw.section("restrictions"))
        let postscreen = self.postscreen(raw.section("postscreen"))
        let tls = self.tls(raw.section("tls"))
        let rspamd = self.rspamd(raw, engine: engine, spamassassin: spamassassin ?? nil)
        guard let identity, let relay, let recipients, let aliases, let local, let clients, let helo, let senders,
              let checks, let dnsbls, let greylisting, let policyd, let antivirus, let signatures, let contentFilter,
              let spamassassin, let restrictions, let postscreen, let tls, let rspamd, engine != nil else { return nil }
        // rspamd replaces SpamAssassin and has no policyd-weight (GW5140 says so).
        return Gateway(identity: identity, relay: relay, recipients: recipients, aliases: aliases, local: local,
                       clients: clients, helo: helo, senders: senders, checks: checks, dnsbls: dnsbls,
                       greylisting: greylisting, policydWeight: rspamd == nil ? policyd : nil, antivirus: antivirus,
                       signatures: signatures, contentFilter: contentFilter, spamassassin: rspamd == nil ? spamassassin : nil,
                       restrictions: restrictions, postscreen: postscreen, tls: tls, rspamd: rspamd)
    }
}
