import Diagnostics

/// Where an effective parameter value comes from.
public enum ParameterOrigin: Sendable {
    case override(MasterOverride)
    case mainCf(MainCfEntry)
    /// Postfix's built-in default for the target version and compatibility level.
    case builtin

    /// The span of the value, or nil for a built-in default.
    public var valueSpan: SourceSpan? {
        switch self {
        case .override(let o): o.valueSpan
        case .mainCf(let e): e.valueSpan
        case .builtin: nil
        }
    }
}

/// One item of a list parameter after expansion.
public struct ListItem: Sendable {
    /// The expanded item; a `{ ... }` group keeps its braces (see `PostfixList.ungroup`).
    public var text: String
    /// Where the item is written; nil when it comes from a built-in default.
    public var span: SourceSpan?
    /// The parameter whose value holds the item (differs from the asked one after `$name`).
    public var parameter: String

    public init(text: String, span: SourceSpan?, parameter: String) {
        self.text = text
        self.span = span
        self.parameter = parameter
    }
}

/// The parameters one smtpd service sees: its `-o` overrides, then main.cf, then defaults.
/// See `PostfixConfigSet` for the API overview.
public struct ParameterScope: Sendable {
    public let config: PostfixConfigSet
    public let service: MasterService?

    /// The raw value and where it comes from; nil when the name is undefined everywhere.
    public func raw(_ name: String) -> (value: String, origin: ParameterOrigin)? {
        if let o = service?.override(name) { return (o.value, .override(o)) }
        if let e = config.mainCf.parameters[name] { return (e.value, .mainCf(e)) }
        // Postfix derives mydomain from myhostname: everything after its first dot.
        if name == "mydomain", let written = raw("myhostname")?.value, !written.contains("$") {
            let host = written.trimmingPostfixSpace()
            if let dot = host.firstIndex(of: "."), host.index(after: dot) < host.endIndex {
                return (String(host[host.index(after: dot)...]), .builtin)
            }
            return ("localdomain", .builtin)
        }
        if let d = defaultValue(name) { return (d, .builtin) }
        return nil
    }

    public func origin(_ name: String) -> ParameterOrigin? { raw(name)?.origin }

    /// True when the value is written in main.cf or master.cf (not a default).
    public func isExplicit(_ name: String) -> Bool {
        if case .builtin? = origin(name) { return false }
        return origin(name) != nil
    }

    /// The fully expanded value ("" when undefined).
    public func value(_ name: String) -> String {
        guard let r = raw(name) else { return "" }
        return value(of: r.value)
    }

    private func value(of text: String) -> String {
        var e = expander()
        return e.expand(text)
    }

    /// Postfix booleans: `yes`/`no` (case-insensitive); anything else counts as no.
    public func bool(_ name: String) -> Bool { value(name).lowercased() == "yes" }

    /// The effective compatibility level (`0` when unset; before 3.0 there is none: `0`).
    public var compatibilityLevel: CompatibilityLevel { CompatibilityLevel(value("compatibility_level")) }

    func defaultValue(_ name: String) -> String? {
        PostfixKnowledge.defaultValue(name, version: config.version)
    }

    /// An expander over this scope.
    public func expander() -> Expander {
        Expander { name in raw(name)?.value }
    }

    /// The items of a list parameter, expanded, each with the span it is written at.
    public func list(_ name: String) -> [ListItem] {
        var seen: [String] = []
        return list(name, seen: &seen)
    }

    private func list(_ name: String, seen: inout [String]) -> [ListItem] {
        guard let (value, origin) = raw(name), !seen.contains(name), seen.count < 100 else { return [] }
        seen.append(name)
        defer { seen.removeLast() }
        let bytes = Array(value.utf8)
        var out: [ListItem] = []
        for r in PostfixList.ranges(bytes) {
            let text = String(decoding: bytes[r], as: UTF8.self)
            let span: SourceSpan? = switch origin {
            case .override(let o): o.valueSpan(r.lowerBound, r.upperBound)
            case .mainCf(let e): e.valueSpan(r.lowerBound, r.upperBound)
            case .builtin: nil
            }
            if let ref = Self.soleReference(text) {
                let sub = list(ref, seen: &seen)
                // A default pulled in by `$name` keeps the span of the reference itself.
                out += sub.map { ListItem(text: $0.text, span: $0.span ?? span, parameter: $0.parameter) }
                continue
            }
            guard text.contains("$") else {
                out.append(ListItem(text: text, span: span, parameter: name))
                continue
            }
            var e = expander()
            let expanded = e.expand(text)
            if text.hasPrefix("{") {
                out.append(ListItem(text: expanded, span: span, parameter: name))
            } else {
                for piece in PostfixList.split(expanded) {
                    out.append(ListItem(text: piece, span: span, parameter: name))
                }
            }
        }
        return out
    }

    /// `$name`, `${name}` or `$(name)` standing alone: the referenced name.
    public static func soleReference(_ text: String) -> String? {
        var t = Substring(text)
        guard t.hasPrefix("$") else { return nil }
        t = t.dropFirst()
        if (t.hasPrefix("{") && t.hasSuffix("}")) || (t.hasPrefix("(") && t.hasSuffix(")")) {
            t = t.dropFirst().dropLast()
        }
        guard !t.isEmpty, t.utf8.allSatisfy(Expander.isNameByte) else { return nil }
        return String(t)
    }

    /// The span a finding about `name` should point at: the value where it is set, else the
    /// service's master.cf entry, else the start of main.cf.
    public func anchor(_ name: String) -> SourceSpan {
        origin(name)?.valueSpan ?? service?.span ?? SourceSpan.file(config.mainCf.file)
    }

    /// The lists that decide whether an RCPT may relay, in the order smtpd evaluates them:
    /// `smtpd_relay_restrictions` then `smtpd_recipient_restrictions` (the relay list exists
    /// from 2.10). With `smtpd_relay_before_recipient_restrictions = no` (before level 3.6)
    /// Postfix runs the recipient list first; both must pass for the RCPT to be accepted.
    public var relayListsInOrder: [String] {
        guard config.version >= PostfixVersion(2, 10) else { return ["smtpd_recipient_restrictions"] }
        if config.version >= PostfixVersion(3, 6), bool("smtpd_relay_before_recipient_restrictions") {
            return ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"]
        }
        return ["smtpd_recipient_restrictions", "smtpd_relay_restrictions"]
    }
}
