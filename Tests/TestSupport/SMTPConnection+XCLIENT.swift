import SMTPProbe

extension SMTPConnection {
    /// `XCLIENT NAME=… ADDR=… HELO=…` (Postfix's XCLIENT, allowed by
    /// `smtpd_authorized_xclient_hosts`): the session continues as if that client had connected.
    /// Postfix answers with a fresh 220 greeting; send EHLO/HELO again afterwards.
    /// `name` `[UNAVAILABLE]` = no verified client name (Postfix shows `unknown`).
    public func xclient(name: String? = nil, addr: String? = nil, helo: String? = nil) throws -> SMTPReply {
        var attributes: [String] = []
        if let name { attributes.append("NAME=" + Self.xtext(name)) }
        if let addr { attributes.append("ADDR=" + Self.xtext(addr)) }
        if let helo { attributes.append("HELO=" + Self.xtext(helo)) }
        return try command((["XCLIENT"] + attributes).joined(separator: " "))
    }

    /// RFC 1891 xtext: `+`, `=`, and bytes outside `!`...`~` become `+HH`.
    static func xtext(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if byte < 33 || byte > 126 || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "=") {
                out += "+" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                out.append(Character(Unicode.Scalar(byte)))
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
