/// One choice an attacker makes in a transaction, derived from a table key.
public struct AttackChoice: Sendable, Equatable, Hashable {
    public enum Field: Sendable, Equatable, Hashable { case clientAddress, clientName, helo, sender, recipient }
    public var field: Field
    public var value: String
    /// The key names one destination (a domain or full address) or one client (an address,
    /// a network up to /9, a name): relaying is then only for, or to, what is listed.
    public var listed = false

    public init(field: Field, value: String, listed: Bool = false) {
        self.field = field
        self.value = value
        self.listed = listed
    }

    /// The foreign domain a relay attempt mails, and the attacker's own domain.
    public static let foreignDomain = "remote.example.net"
    public static let attackerDomain = "attacker.example"
}
