/// One entry of a Postfix restriction list, with the reason main.cf prints above it.
public struct Restriction: Equatable, Sendable, CustomStringConvertible {
    /// The restriction and its arguments as main.cf spells them (`check_helo_access pcre:/...`).
    public var text: String
    /// One line, for the comment above the entry.
    public var why: String
    public init(_ text: String, why: String) {
        self.text = text
        self.why = why
    }
    /// The restriction name (first word), e.g. `check_helo_access`.
    public var name: String { String(text.prefix { $0 != " " }) }
    public var description: String { text }
}

/// The smtpd restriction lists gatewayctl compiles from the model, in evaluation order. A nil
/// list is not written (Postfix's empty default applies); `relay` is nil before Postfix 2.10,
/// where `smtpd_relay_restrictions` does not exist and `recipient` carries the relay guard.
public struct RestrictionPlan: Equatable, Sendable {
    public var client: [Restriction]?
    public var helo: [Restriction]?
    public var sender: [Restriction]?
    public var recipient: [Restriction]?
    public var relay: [Restriction]?

    public init(client: [Restriction]? = nil, helo: [Restriction]? = nil, sender: [Restriction]? = nil,
                recipient: [Restriction]? = nil, relay: [Restriction]? = nil) {
        self.client = client
        self.helo = helo
        self.sender = sender
        self.recipient = recipient
        self.relay = relay
    }

    /// The lists as main.cf parameters, in the order smtpd evaluates them.
    public var parameters: [(name: String, list: [Restriction])] {
        var out: [(String, [Restriction])] = []
        if let client { out.append(("smtpd_client_restrictions", client)) }
        if let helo { out.append(("smtpd_helo_restrictions", helo)) }
        if let sender { out.append(("smtpd_sender_restrictions", sender)) }
        if let relay { out.append(("smtpd_relay_restrictions", relay)) }
        if let recipient { out.append(("smtpd_recipient_restrictions", recipient)) }
        return out
    }
}
