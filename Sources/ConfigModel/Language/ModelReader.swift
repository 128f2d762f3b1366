import Diagnostics

/// Turns a `RawDocument` into the model, validating every value and recording where it came
/// from. Each failure is a diagnostic at the value's span; reading goes on so that one run
/// reports every problem.
struct ModelReader {
    let file: String
    /// Directory that relative paths (`[recipients] file =`) are resolved against.
    let baseDirectory: String
    /// False for in-memory parsing without touching the file system (the fuzzer).
    let readFiles: Bool
    var diagnostics: [Diagnostic] = []
    var spans: [String: SourceSpan] = [:]
    /// From `RawDocument.possiblyPresent`.
    var possiblyPresent: Set<String>? = []

    init(file: String, baseDirectory: String, readFiles: Bool) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.readFiles = readFiles
    }

    mutating func error(_ kind: SyntaxFinding, _ message: String, _ span: SourceSpan,
                        notes: [Diagnostic.Note] = [], fix: String? = nil) {
        diagnostics.append(kind.diagnostic(message, at: span, notes: notes, fix: fix))
    }

    // MARK: keyed sections

    /// The fixed keys of a section, first occurrence each, after reporting unknown, duplicate and
    /// key-less entries. `path(key)` spans are recorded for every value.
    struct Fields {
        var section: String
        var values: [String: Token] = [:]
        subscript(_ key: String) -> Token? { values[key] }
    }

    /// `required` replaces the schema's list where another key decides it (`engine = rspamd`).
    mutating func fields(_ raw: RawSection?, _ name: String, entries: [RawEntry]? = nil, required: [String]? = nil) -> Fields {
        var f = Fields(section: name)
        guard let raw, let schema = SectionSchema.section(name) else { return f }
        var firstSpan: [String: SourceSpan] = [:]
        for e in entries ?? raw.entries {
            guard let key = e.key, let value = e.value else {
                error(.missingEquals, "expected `key = value` in `[\(name)]`", e.line.span,
                      fix: "write `key = value`; known keys: " + schema.keys.map { "`\($0)`" }.joined(separator: ", "))
                continue
            }
            guard !key.text.isEmpty else {
                error(.missingEquals, "missing key before `=`", e.line.span, fix: "write `key = value`")
                continue
            }
            guard schema.keys.contains(key.text) else {
                let fix = Suggest.closest(to: key.text, in: schema.keys).map { "did you mean `\($0)`?" }
                    ?? "known keys: " + schema.keys.map { "`\($0)`" }.joined(separator: ", ")
                error(.unknownKey, "unknown key `\(key.text)` in `[\(name)]`", key.span, fix: fix)
                continue
            }
            if let first = firstSpan[key.text] {
                error(.duplicateKey, "duplicate key `\(key.text)` in `[\(name)]`", key.span,
                      notes: [.init("first set here", at: first)], fix: "remove one of the two lines")
                continue
            }
            firstSpan[key.text] = key.span
            f.values[key.text] = value
            spans["\(name).\(key.text)"] = value.span
        }
        for key in required ?? schema.required where f.values[key] == nil {
            error(.missingKey, "missing required key `\(key)` in `[\(name)]`", raw.name.span,
                  fix: "add `\(key) = ...` to `[\(name)]`")
        }
        return f
    }

    /// A value that must not be empty.
    mutating func nonEmpty(_ t: Token, _ what: String) -> Token? {
        guard !t.text.isEmpty else {
            error(.invalidValue, "empty value for `\(what)`", t.span, fix: "give `\(what)` a value or remove the line")
            return nil
        }
        return t
    }

    // MARK: typed values

    mutating func domain(_ t: Token, _ what: String, fqdn: Bool = false) -> DomainName? {
        guard let t = nonEmpty(t, what) else { return nil }
        do {
            return try DomainName(t.text, requireDot: fqdn)
        } catch {
            let reason: String
            switch error {
            case .empty: reason = "is empty"
            case .tooLong: reason = "is longer than 253 characters"
            case .badLabel(let l): reason = "has an invalid label `\(l)`"
            case .notFullyQualified: reason = "is not fully qualified"
            }
            self.error(.invalidValue, "domain name `\(t.text)` \(reason)", t.span,
                       fix: fqdn ? "write a fully qualified name such as `mail.example.com`"
                                 : "use letters, digits and hyphens in dot-separated labels")
            return nil
        }
    }

    mutating func address(_ t: Token, _ what: String) -> EmailAddress? {
        guard let t = nonEmpty(t, what) else { return nil }
        do {
            return try EmailAddress(t.text)
        } catch {
            let reason: String
            switch error {
            case .missingAt: reason = "has no `@`"
            case .emptyLocalPart: reason = "has an empty local part"
            case .badLocalPart: reason = "has a local part with blanks, control characters, `\"`, `,`, `$` or `@`"
            case .badDomain: reason = "has an invalid domain"
            }
            self.error(.invalidValue, "address `\(t.text)` \(reason)", t.span, fix: "write `user@example.com`")
            return nil
        }
    }

    mutating func ip(_ t: Token, _ what: String) -> IPAddress? {
        guard let t = nonEmpty(t, what) else { return nil }
        guard let a = IPAddress(t.text) else {
            error(.invalidValue, "`\(t.text)` is not an IP address", t.span, fix: "write e.g. `192.0.2.10` or `2001:db8::10`")
            return nil
        }
        return a
    }

    mutating func cidr(_ t: Token, _ what: String) -> CIDR? {
        do {
            return try CIDR(parsing: t.text)
        } catch {
            switch error {
            case .badAddress:
                self.error(.invalidValue, "`\(t.text)` is not a network address", t.span,
                           fix: "write `ADDRESS/PREFIX`, e.g. `192.168.40.2/32`")
            case .badPrefix:
                self.error(.invalidValue, "bad prefix length in `\(t.text)`", t.span,
                           fix: "use 0-32 for IPv4, 0-128 for IPv6")
            case .hostBitsSet(let s):
                self.error(.invalidValue, "network `\(t.text)` has host bits set", t.span,
                           fix: "write `\(s)`, or a /32 for a single host (Postfix ignores the rest of mynetworks after such an entry)")
            }
            return nil
        }
    }

    mutating func endpoint(_ t: Token, _ what: String) -> Endpoint? {
        guard let t = nonEmpty(t, what) else { return nil }
        do {
            return try Endpoint(parsing: t.text)
        } catch {
            switch error {
            case .missingPort:
                self.error(.invalidValue, "`\(what)` needs a port: `\(t.text)`", t.span, fix: "write `HOST:PORT`, e.g. `192.168.40.3:10023`")
            case .badPort:
                self.error(.invalidValue, "port out of range in `\(t.text)`", t.span, fix: "use a port from 1 to 65535")
            case .badHost:
                self.error(.invalidValue, "`\(t.text)` is not an IP address or host name", t.span,
                           fix: "write `HOST:PORT`; IPv6 as `[2001:db8::1]:PORT`")
            }
            return nil
        }
    }

    mutating func bool(_ t: Token, _ what: String) -> Bool? {
        switch t.text.lowercased() {
        case "yes", "on": return true
        case "no", "off": return false
        default:
            error(.invalidValue, "`\(what)` must be `yes` or `no`, not `\(t.text)`", t.span, fix: "write `yes` or `no`")
            return nil
        }
    }

    mutating func int(_ t: Token, _ what: String, _ range: ClosedRange<Int>) -> Int? {
        guard t.text.count <= 12, t.text.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(t.text), range.contains(v) else {
            error(.invalidValue, "`\(what)` must be a whole number from \(range.lowerBound) to \(range.upperBound), not `\(t.text)`",
                  t.span, fix: "write digits only")
            return nil
        }
        return v
    }

    mutating func size(_ t: Token, _ what: String) -> ByteSize? {
        guard let s = ByteSize(t.text), s.bytes > 0 else {
            error(.invalidValue, "`\(t.text)` is not a size", t.span, fix: "write digits with an optional `K`, `M` or `G` suffix, e.g. `10M`")
            return nil
        }
        return s
    }

    mutating func action(_ t: Token, _ what: String) -> AccessAction? {
        do {
            return try AccessAction(parsing: t.text)
        } catch {
            let fix: String
            switch error {
            case .bareCode(let c): fix = "add a text, e.g. `\(c) Access denied`, or write `REJECT`"
            case .unsafeText: fix = "remove the character; write `$` nowhere in reply texts"
            default: fix = "use `OK`, `REJECT [text]`, `4NN text`, `5NN text`, `DEFER [text]`, `DUNNO` or `WARN [text]`"
            }
            self.error(error.isUnsafe ? .unsafeValue : .invalidValue,
                       "invalid action for `\(what)`: \(error)", t.span, fix: fix)
            return nil
        }
    }

    /// Free text that ends up in main.cf or a map value: no control characters, no `$`
    /// (Postfix would expand it).
    mutating func text(_ t: Token, _ what: String) -> String? {
        guard let t = nonEmpty(t, what) else { return nil }
        if let i = t.text.firstIndex(where: { $0 == "$" || $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f } }) {
            error(.unsafeValue, "`\(what)` holds \(t.text[i] == "$" ? "`$`, which Postfix would expand" : "a control character")",
                  t.span(at: i), fix: "remove the character")
            return nil
        }
        return t.text
    }

    /// A file system path written into a daemon's config: absolute, no blanks, `,` or `$`.
    mutating func path(_ t: Token, _ what: String, absolute: Bool = true) -> String? {
        guard let t = nonEmpty(t, what) else { return nil }
        if let i = t.text.firstIndex(where: { $0 == "$" || $0 == "," || $0 == " " || $0 == "\t"
            || $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f } }) {
            error(.unsafeValue, "path for `\(what)` holds `\(t.text[i])`", t.span(at: i),
                  fix: "use a path without blanks, `,` or `$`")
            return nil
        }
        if absolute, !t.text.hasPrefix("/") {
            error(.invalidValue, "path for `\(what)` must be absolute: `\(t.text)`", t.span, fix: "start the path with `/`")
            return nil
        }
        return t.text
    }

    /// Comma-separated items; `name` is the key path for item spans (`relay.domains[0]`). An item
    /// listed twice (compared case-insensitively) is an error: it hides an intended other value.
    mutating func items<T>(_ t: Token, _ name: String, _ convert: (inout ModelReader, Token) -> T?) -> [T]? {
        var out: [T] = []
        var ok = true
        var seen: [String: SourceSpan] = [:]
        for (i, item) in t.commaItems().enumerated() {
            spans["\(name)[\(i)]"] = item.span
            if let first = seen[item.text.lowercased()] {
                error(.duplicateKey, "`\(item.text)` is listed twice", item.span,
                      notes: [.init("first listed here", at: first)], fix: "remove one of the two")
                ok = false
                continue
            }
            seen[item.text.lowercased()] = item.span
            if let v = convert(&self, item) { out.append(v) } else { ok = false }
        }
        return ok ? out : nil
    }
}

extension AccessAction.ParseError {
    var isUnsafe: Bool { if case .unsafeText = self { true } else { false } }
}
