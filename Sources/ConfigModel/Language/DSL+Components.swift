import MapBuilder
import PostfixConfig

/// The model's section types as DSL components, with string conveniences that validate like
/// the parser.
extension Identity: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.identity = self }

    public init(hostname: String, domain: String, platform: Platform = .debian, postfix: String = "3.7",
                publicIP: String? = nil, listenIP: String? = nil, loopback: Bool = true,
                messageSizeLimit: String = "10240000", banner: String? = nil, tableType: MapType? = nil) throws {
        guard let version = PostfixVersion(postfix) else { throw DSLError("`\(postfix)` is not a Postfix version") }
        guard let size = ByteSize(messageSizeLimit) else { throw DSLError("`\(messageSizeLimit)` is not a size") }
        if let tableType {
            guard TableType.choices.contains(tableType) else { throw DSLError("`\(tableType.rawValue)` is not an indexed table type") }
            if let why = TableType.problem(tableType, platform: platform, postfix: version) { throw DSLError(why) }
        }
        self.init(hostname: try DSL.domain(hostname), domain: try DSL.domain(domain), platform: platform, postfix: version,
                  publicIP: try publicIP.map(DSL.ip), listenIP: try listenIP.map(DSL.ip), loopback: loopback,
                  messageSizeLimit: size, banner: banner, tableType: tableType)
    }
}

extension Relay: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.relay = self }

    /// `mailServer` as in gateway.conf: `mail.example.com`, `[192.0.2.4]:2525`.
    public init(domains: [String], mailServer: String, trusted: [String] = []) throws {
        let hop: NextHop
        if let e = try? Endpoint(parsing: mailServer) { hop = NextHop(host: e.host, port: e.port) }
        else if let e = try? Endpoint(parsing: mailServer, defaultPort: 25) { hop = NextHop(host: e.host) }
        else { throw DSLError("`\(mailServer)` is not a host name or IP address") }
        self.init(domains: try domains.map(DSL.domain), mailServer: hop, trusted: try trusted.map { t in
            do { return try CIDR(parsing: t) } catch { throw DSLError("`\(t)` is not a network without host bits") }
        })
    }
}

extension Recipients: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.recipients = self }

    public init(@ListBuilder<String> _ addresses: () -> [String]) throws {
        self = .inline(try addresses().map(DSL.address))
    }
}

/// `[aliases]`: `Aliases { try Alias("postmaster", "postmaster@example.com") }`.
public struct Aliases: GatewayComponent {
    public var items: [Alias]
    public init(@ListBuilder<Alias> _ items: () throws -> [Alias]) rethrows { self.items = try items() }
    public func apply(to draft: inout GatewayDraft) { draft.rest.aliases = items }
}

extension Alias {
    public init(_ name: String, _ target: String) throws {
        self.init(name: name.lowercased(), target: try DSL.address(target))
    }
}

/// `[clients]`: `Clients { AccessEntry(key: "hotmail.com", action: .reject(text: nil)) }`.
struct Clients: GatewayComponent {
    public var items: [AccessEntry]
    public init(@ListBuilder<AccessEntry> _ items: () throws -> [AccessEntry]) rethrows { self.items = try items() }
    public func apply(to draft: inout GatewayDraft) { draft.rest.clients = items }
}

extension LocalDelivery: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.local = self }
}

extension HeloChecks: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.helo = self }
}

extension SenderChecks: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.senders = self }
}

extension Checks: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.checks = self }
}

extension DNSBL: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.dnsbls.append(self) }

    public init(_ zone: String, replyFilter: String? = nil) throws {
        self.init(zone: try DSL.domain(zone), replyFilter: replyFilter)
    }
}

extension Greylisting: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.greylisting = self }
    public init(listen: String, delay: Int = 300) throws { self.init(listen: try DSL.endpoint(listen), delay: delay) }
}

extension PolicydWeight: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.policydWeight = self }
    public init(listen: String) throws { self.init(listen: try DSL.endpoint(listen)) }
}

extension Antivirus: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.antivirus = self }
}

extension Signatures: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.signatures = self }
}

extension ContentFilter: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.contentFilter = self }
    public init(listen: String, reinject: String, maxServers: Int = 2) throws {
        self.init(listen: try DSL.endpoint(listen), reinject: try DSL.endpoint(reinject), maxServers: maxServers)
    }
}

extension SpamAssassin: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.spamassassin = self }
}

extension RestrictionOverrides: GatewayComponent {
    public func apply(to draft: inout GatewayDraft) { draft.rest.restrictions = self }
}

/// String parsing shared by the conveniences.
enum DSL {
    static func domain(_ s: String) throws -> DomainName {
        do { return try DomainName(s, requireDot: true) } catch { throw DSLError("`\(s)` is not a fully qualified domain name") }
    }

    static func ip(_ s: String) throws -> IPAddress {
        guard let a = IPAddress(s) else { throw DSLError("`\(s)` is not an IP address") }
        return a
    }

    static func address(_ s: String) throws -> EmailAddress {
        do { return try EmailAddress(s) } catch { throw DSLError("`\(s)` is not an address") }
    }

    static func endpoint(_ s: String) throws -> Endpoint {
        do { return try Endpoint(parsing: s) } catch { throw DSLError("`\(s)` is not `HOST:PORT`") }
    }

}

extension IPAddress {
    /// Throwing parse for the DSL: `try IPAddress.parse("192.168.40.3")`.
    public static func parse(_ s: String) throws -> IPAddress { try DSL.ip(s) }
}

extension ByteSize {
    /// Throwing parse for the DSL: `try ByteSize.parse("10M")`.
    public static func parse(_ s: String) throws -> ByteSize {
        guard let v = ByteSize(s) else { throw DSLError("`\(s)` is not a size") }
        return v
    }
}

extension DomainName {
    /// Throwing parse for the DSL: `try DomainName.parse("database.clamav.net")`.
    public static func parse(_ s: String) throws -> DomainName { try DSL.domain(s) }
}
