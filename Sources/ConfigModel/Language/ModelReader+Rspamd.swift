import Diagnostics

/// `[content-filter] engine` and the rspamd engine: `[content-filter] listen` (milter),
/// `[greylisting]` (greylist module), `[spamassassin] required-score` (add-header threshold)
/// and `[rspamd]` (Redis, reject threshold, virus action, resolvers).
extension ModelReader {
    /// The engine named in `[content-filter]` (`amavis` when absent); nil when the value is
    /// not an engine. Read before the sections whose required keys depend on it.
    mutating func engine(_ raw: RawDocument) -> FilterEngine? {
        guard let t = raw.section("content-filter")?.entries.first(where: { $0.key?.text == "engine" })?.value else {
            return .amavis
        }
        if let e = FilterEngine(rawValue: t.text.lowercased()) { return e }
        let names = FilterEngine.allCases.map(\.rawValue)
        error(.invalidValue, "unknown content-filter engine `\(t.text)`", t.span,
              fix: Suggest.closest(to: t.text, in: names).map { "did you mean `\($0)`?" } ?? "use `amavis` or `rspamd`")
        return nil
    }

    /// `.some(nil)` for the amavis engine; nil when a section rspamd reads is invalid.
    /// With amavis, what only rspamd reads is an error rather than silently unused.
    mutating func rspamd(_ raw: RawDocument, engine: FilterEngine?, spamassassin: SpamAssassin?) -> Rspamd?? {
        guard engine == .rspamd else {
            if engine == .amavis { rspamdOnlyKeys(raw) }
            return .some(nil)
        }
        guard let cfRaw = raw.section("content-filter") else { return nil }
        let cf = fields(cfRaw, "content-filter", required: ["listen"])
        var ok = true
        let milter = cf["listen"].flatMap { endpoint($0, "listen") }
        var r = Rspamd(milter: milter ?? Endpoint(host: .ip(IPAddress("127.0.0.1")!), port: 11332))
        if milter == nil { ok = false }
        if let t = cf["max-servers"] { if let v = int(t, "max-servers", 1...100) { r.workers = v } else { ok = false } }
        if let t = cf["reinject"], endpoint(t, "reinject") == nil { ok = false }
        if let sa = spamassassin { r.addHeaderScore = sa.requiredScore }

        if let gRaw = raw.section("greylisting") {
            let g = fields(gRaw, "greylisting", required: [])
            var gl = RspamdGreylist()
            if let t = g["listen"], endpoint(t, "listen") == nil { ok = false }
            if let t = g["delay"] { if let v = int(t, "delay", 0...86_400) { gl.delay = v } else { ok = false } }
            if let t = g["expiry"] { if let v = duration(t, "expiry", 60...(90 * 86_400)) { gl.expiry = v } else { ok = false } }
            if gl.expiry <= gl.delay, let t = g["expiry"] {
                ok = false
                error(.invalidValue, "`expiry` (\(gl.expiry)s) must be longer than `delay` (\(gl.delay)s)", t.span,
                      fix: "a record must outlive the delay, or no retry ever passes; rspamd's default is `1d`")
            }
            r.greylist = gl
        }

        let f = fields(raw.section("rspamd"), "rspamd")
        if let t = f["redis"] {
            if let v = items(t, "rspamd.redis", { rd, item in rd.endpoint(item, "redis", defaultPort: 6379) }) { r.redis = v } else { ok = false }
        }
        if let t = f["dns"] {
            if let v = items(t, "rspamd.dns", { rd, item in rd.endpoint(item, "dns", defaultPort: 53) }) { r.dns = v } else { ok = false }
        }
        if let t = f["reject-score"] {
            if t.text.lowercased() == "off" { r.rejectScore = nil }
            else if let v = score(t, "reject-score") {
                r.rejectScore = v
                if v <= r.addHeaderScore {
                    ok = false
                    error(.invalidValue, "`reject-score` (\(t.text)) must be above the add-header score (\(r.addHeaderScore), `[spamassassin] required-score`)",
                          t.span, fix: "rspamd's default is `15`; `off` never rejects on the score")
                }
            } else { ok = false }
        }
        if let t = f["greylist-score"] {
            if t.text.lowercased() == "all" { r.greylist?.minimumScore = nil }
            else if let v = score(t, "greylist-score") {
                r.greylist?.minimumScore = v
                if v >= r.addHeaderScore {
                    ok = false
                    error(.invalidValue, "`greylist-score` (\(t.text)) must be below the add-header score (\(r.addHeaderScore))",
                          t.span, fix: "rspamd's default is `4`; `all` greylists every new triplet, as postgrey does")
                }
            } else { ok = false }
        }
        if let t = f["virus"] {
            if let v = Rspamd.VirusAction(rawValue: t.text.lowercased()) { r.virusAction = v } else {
                ok = false
                error(.invalidValue, "`virus` must be `reject` or `quarantine`, not `\(t.text)`", t.span,
                      fix: "`reject` answers 554 at end of DATA; `quarantine` accepts into Postfix's hold queue")
            }
        }
        return ok ? .some(r) : nil
    }

    /// Keys only the rspamd engine reads, found with `engine = amavis`.
    mutating func rspamdOnlyKeys(_ raw: RawDocument) {
        if let s = raw.section("rspamd") {
            error(.invalidValue, "`[rspamd]` is read only with `engine = rspamd`", s.name.span,
                  fix: "add `engine = rspamd` to `[content-filter]`, or remove `[rspamd]`")
        }
        if let e = raw.section("greylisting")?.entries.first(where: { $0.key?.text == "expiry" }), let k = e.key {
            error(.invalidValue, "`expiry` is rspamd's greylisting; postgrey is not told it", k.span,
                  fix: "remove `expiry`, or use `engine = rspamd` in `[content-filter]`")
        }
    }

    /// `HOST[:PORT]` with a default port.
    mutating func endpoint(_ t: Token, _ what: String, defaultPort: Int) -> Endpoint? {
        if (try? Endpoint(parsing: t.text)) == nil, let e = try? Endpoint(parsing: t.text, defaultPort: defaultPort) { return e }
        return endpoint(t, what)
    }

    /// A score: a number from -100 to 100.
    mutating func score(_ t: Token, _ what: String) -> Double? {
        if t.text.count <= 8, t.text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
           let v = Double(t.text), v.isFinite, (-100...100).contains(v) {
            return v
        }
        error(.invalidValue, "`\(what)` must be a number from -100 to 100, not `\(t.text)`", t.span, fix: "write e.g. `15`")
        return nil
    }

    /// Seconds, or a number with `s`, `m`, `h` or `d`.
    mutating func duration(_ t: Token, _ what: String, _ range: ClosedRange<Int>) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(t.text), unit = 1
        if let last = digits.last, let u = units[Character(last.lowercased())] { unit = u; digits = digits.dropLast() }
        guard digits.count <= 8, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let n = Int(digits), range.contains(n * unit) else {
            error(.invalidValue, "`\(what)` must be a duration from \(range.lowerBound)s to \(range.upperBound / 86_400)d, not `\(t.text)`",
                  t.span, fix: "write seconds, or a number with `s`, `m`, `h` or `d`, e.g. `1d`")
            return nil
        }
        return n * unit
    }
}
