/// One SMTP transaction to simulate: who connects, what it says, whom it mails.
public struct Transaction: Sendable, Equatable {
    public var clientAddress: String
    /// The verified client host name; nil when it has none (Postfix shows `unknown`).
    public var clientName: String?
    /// The HELO/EHLO argument; nil when the client sends none.
    public var helo: String?
    /// The envelope sender; `""` is the null sender `<>`.
    public var sender: String
    public var recipients: [String]
    /// Set when the client authenticated with SASL as this user.
    public var saslUser: String?
    /// True when postgrey has seen this (client, sender, recipient) triplet before its delay ran out.
    public var greylistKnown: Bool
    /// True when the client talks before the greeting has ended (postscreen's pre-greet test).
    public var talksFirst: Bool

    public init(clientAddress: String, clientName: String? = nil, helo: String? = nil, sender: String,
                recipients: [String], saslUser: String? = nil, greylistKnown: Bool = false, talksFirst: Bool = false) {
        self.clientAddress = clientAddress
        self.clientName = clientName
        self.helo = helo
        self.sender = sender
        self.recipients = recipients
        self.saslUser = saslUser
        self.greylistKnown = greylistKnown
        self.talksFirst = talksFirst
    }

    /// `name[addr]` as Postfix writes the client in replies and logs.
    public var namaddr: String { "\(clientName ?? "unknown")[\(clientAddress)]" }
}
