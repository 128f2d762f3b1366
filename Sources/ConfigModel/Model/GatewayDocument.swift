import Diagnostics

/// A parsed gateway.conf: the model plus the span of every section, value and list item, so rules
/// can point at the exact text. Key paths:
/// - `section`: the section name in its header (`[gateway]` -> column of `g`);
/// - `section.key`: the VALUE of a fixed key (`gateway.listen-ip`); overrides have file `--set`;
/// - `section.key[i]`: the i-th comma-separated item of a list value (`relay.trusted[0]`);
/// - `recipients[i]`, `recipients.file`: inline addresses, or the file's path value;
/// - map entries, i-th in source order, with `.key` and `.value` sub-paths: `aliases[i]`,
///   `clients[i]`, `dnsbl[i]`, `helo.patterns[i]`, `senders.entries[i]`
///   (e.g. `helo.patterns[0].key` is the regex, `dnsbl[0].value` the reply filter).
/// Indices match the model's arrays.
public struct GatewayDocument: Sendable {
    public var path: String
    public var gateway: Gateway
    public var spans: [String: SourceSpan]

    public init(path: String, gateway: Gateway, spans: [String: SourceSpan] = [:]) {
        self.path = path
        self.gateway = gateway
        self.spans = spans
    }

    /// The most precise span known for `key`, falling back to its section, then the file.
    public func span(_ key: String) -> SourceSpan {
        if let s = spans[key] { return s }
        var k = Substring(key)
        while let cut = k.lastIndex(where: { $0 == "." || $0 == "[" }) {
            k = k[..<cut]
            if let s = spans[String(k)] { return s }
        }
        return .file(path)
    }
}
