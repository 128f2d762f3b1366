/// A Swift result-builder DSL that builds the same `Gateway` model as gateway.conf:
///
///     let gateway = try Gateway {
///         try Identity(hostname: "spam.example.com", domain: "example.com")
///         try Relay(domains: ["example.com"], mailServer: "mail.example.com", trusted: ["192.168.40.2/32"])
///         try Recipients { "usuario1@example.com" }
///         Greylisting(...)
///     }
///
/// Components are the model's own section types (plus `Aliases` and `Clients` for the list
/// sections); string conveniences validate exactly as the parser does and throw `DSLError`.
public protocol GatewayComponent: Sendable {
    func apply(to draft: inout GatewayDraft)
}

/// A gateway under construction: `Gateway { ... }` needs an `Identity` and a `Relay`.
public struct GatewayDraft: Sendable {
    public var identity: Identity?
    public var relay: Relay?
    public var rest = Gateway(identity: Identity(hostname: .example, domain: .example),
                              relay: Relay(domains: [], mailServer: NextHop(host: .name(.example)), trusted: []))
}

/// A value the DSL could not turn into the model, with the parser's wording.
struct DSLError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

@resultBuilder
enum GatewayBuilder {
    static func buildExpression(_ c: some GatewayComponent) -> [any GatewayComponent] { [c] }
    static func buildBlock(_ parts: [any GatewayComponent]...) -> [any GatewayComponent] { parts.flatMap { $0 } }
    static func buildOptional(_ parts: [any GatewayComponent]?) -> [any GatewayComponent] { parts ?? [] }
    static func buildEither(first parts: [any GatewayComponent]) -> [any GatewayComponent] { parts }
    static func buildEither(second parts: [any GatewayComponent]) -> [any GatewayComponent] { parts }
    static func buildArray(_ parts: [[any GatewayComponent]]) -> [any GatewayComponent] { parts.flatMap { $0 } }
}

/// Items of the list components (`Recipients`, `Aliases`, `Clients`).
@resultBuilder
enum ListBuilder<Item> {
    static func buildExpression(_ item: Item) -> [Item] { [item] }
    static func buildBlock(_ parts: [Item]...) -> [Item] { parts.flatMap { $0 } }
    static func buildOptional(_ parts: [Item]?) -> [Item] { parts ?? [] }
    static func buildEither(first parts: [Item]) -> [Item] { parts }
    static func buildEither(second parts: [Item]) -> [Item] { parts }
    static func buildArray(_ parts: [[Item]]) -> [Item] { parts.flatMap { $0 } }
}

extension Gateway {
    /// Builds a gateway from components; later components of the same kind replace earlier
    /// ones, except DNSBLs, which accumulate in order.
    public init(@GatewayBuilder _ content: () throws -> [any GatewayComponent]) throws {
        var draft = GatewayDraft()
        for c in try content() { c.apply(to: &draft) }
        guard let identity = draft.identity else { throw DSLError("a gateway needs an `Identity`") }
        guard let relay = draft.relay else { throw DSLError("a gateway needs a `Relay`") }
        self = draft.rest
        self.identity = identity
        self.relay = relay
    }
}
