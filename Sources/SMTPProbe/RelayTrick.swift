/// One relay trick: a sender and a recipient form that a misconfigured server may relay.
/// The battery is nmap's `smtp-open-relay` (16 tricks) plus two forms seen in the wild.
public struct RelayTrick: Sendable, Equatable {
    public var number: Int
    /// What follows `MAIL FROM:`, brackets included (`<>` is the null sender).
    public var mailPath: String
    /// What follows `RCPT TO:`, brackets included when the trick sends them.
    public var rcptPath: String

    public var mailCommand: String { "MAIL FROM:" + mailPath }
    public var rcptCommand: String { "RCPT TO:" + rcptPath }
}

/// What the tricks are built from: `srv` = the server's name, `ip` = its address, `domain` = a
/// domain the server must not relay to.
public struct RelayTarget: Sendable, Equatable {
    public var serverName: String
    public var serverAddress: String
    public var domain: String
    /// Local part and full address of the sender for trick 2 (`from@domain`).
    public var sender: String
    public var recipientLocalPart: String

    public init(serverName: String, serverAddress: String, domain: String,
                sender: String? = nil, recipientLocalPart: String = "relaytest") {
        self.serverName = serverName
        self.serverAddress = serverAddress
        self.domain = domain
        self.sender = sender ?? "relaytest@\(domain)"
        self.recipientLocalPart = recipientLocalPart
    }

    /// `[ip]` for IPv4, `[IPv6:…]` for IPv6 (RFC 5321 address literals).
    var addressLiteral: String {
        serverAddress.contains(":") ? "[IPv6:\(serverAddress)]" : "[\(serverAddress)]"
    }

    var senderLocalPart: String {
        String(sender.split(separator: "@", maxSplits: 1).first ?? "relaytest")
    }
}

extension RelayTrick {
    /// The 18 tricks for `target`, numbered as in nmap (17 and 18 are the extra forms; 17 is
    /// sent without angle brackets, as sloppy clients do, since `<"to%domain">` is trick 8).
    public static func battery(for target: RelayTarget) -> [RelayTrick] {
        let to = target.recipientLocalPart, dom = target.domain
        let srv = target.serverName, ip = target.addressLiteral
        let fromIP = "\(target.senderLocalPart)@\(ip)"
        let forms: [(String, String)] = [
            ("", "\(to)@\(dom)"),
            (target.sender, "\(to)@\(dom)"),
            ("\(target.senderLocalPart)@\(srv)", "\(to)@\(dom)"),
            (fromIP, "\(to)@\(dom)"),
            (fromIP, "\(to)%\(dom)@\(ip)"),
            (fromIP, "\(to)%\(dom)@\(srv)"),
            (fromIP, "\"\(to)@\(dom)\""),
            (fromIP, "\"\(to)%\(dom)\""),
            (fromIP, "\(to)@\(dom)@\(ip)"),
            (fromIP, "\"\(to)@\(dom)\"@\(ip)"),
            (fromIP, "\(to)@\(dom)@\(srv)"),
            (fromIP, "@\(ip):\(to)@\(dom)"),
            (fromIP, "@\(srv):\(to)@\(dom)"),
            (fromIP, "\(dom)!\(to)"),
            (fromIP, "\(dom)!\(to)@\(ip)"),
            (fromIP, "\(dom)!\(to)@\(srv)"),
            (fromIP, "\"\(to)%\(dom)\""),
            (fromIP, "\(to)@\(dom)@"),
        ]
        return forms.enumerated().map { index, form in
            let bare = index == 16
            return RelayTrick(number: index + 1, mailPath: "<\(form.0)>",
                              rcptPath: bare ? form.1 : "<\(form.1)>")
        }
    }
}
