import ConfigModel

/// `sender_access`: check_sender_access. The own-domain rule (`example.com 554 text`) refuses
/// outsiders who forge our domain; the inside server is permitted before this table is read.
enum SenderAccessEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard g.senders.rejectOwnDomain != nil || !g.senders.entries.isEmpty else { return nil }
        var out = ctx.banner()
        if let action = g.senders.rejectOwnDomain {
            let value = try ConfigText.mapValue(action.description, at: "senders.reject-own-domain")
            for d in ownDomains(g) { out += "\(d) \(value)\n" }
        }
        for (i, e) in g.senders.entries.enumerated() {
            let at = "senders[\(i)]"
            out += try ConfigText.mapKey(e.key, at: at) + " " + ConfigText.mapValue(e.action.description, at: at) + "\n"
        }
        return ctx.table(ctx.paths.postfix(MapFiles.senderAccess), out)
    }

    /// `mydomain` and every relay domain, once each, in first-seen order.
    static func ownDomains(_ g: Gateway) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for d in [g.identity.domain] + g.relay.domains where seen.insert(d.value).inserted { out.append(d.value) }
        return out
    }
}
