/// The few SMTP verbs gatewayctl speaks. Addresses are sent verbatim inside `<>`: the relay
/// battery depends on odd forms reaching the server unchanged.
extension SMTPConnection {
    /// EHLO, falling back to HELO when the server refuses EHLO with 5xx (RFC 5321 4.1.4).
    /// Returns the last reply and whether the session is ESMTP.
    public func greet(as name: String) throws -> (reply: SMTPReply, esmtp: Bool) {
        let ehlo = try command("EHLO \(name)")
        if ehlo.isPermanent {
            return (try command("HELO \(name)"), false)
        }
        return (ehlo, true)
    }

    public func ehlo(_ name: String) throws -> SMTPReply { try command("EHLO \(name)") }
    public func helo(_ name: String) throws -> SMTPReply { try command("HELO \(name)") }
    /// `MAIL FROM:<address>`; pass `""` for the null sender.
    public func mail(from address: String) throws -> SMTPReply { try command("MAIL FROM:<\(address)>") }
    public func rcpt(to address: String) throws -> SMTPReply { try command("RCPT TO:<\(address)>") }
    public func rset() throws -> SMTPReply { try command("RSET") }

    /// QUIT and close; a server that hangs up first is not an error here.
    public func quit() {
        _ = try? command("QUIT")
        close()
    }
}
