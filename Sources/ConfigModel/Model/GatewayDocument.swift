/// A parsed gateway.conf: the model plus the span of every section, key and list item, so rules
/// can point at the exact text. Paths are `section`, `section.key`, `section[index]` (list items,
/// 0-based in source order) and `section.key[index]` (items of a list-valued key).
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
