/// Why an SMTP exchange could not go on. Server rejections are replies, not errors.
public enum SMTPError: Error, Equatable, Sendable, CustomStringConvertible {
    case resolve(host: String, reason: String)
    case connect(address: String, reason: String)
    case timeout(waitingFor: String)
    case closed(waitingFor: String)
    case io(String)
    case malformedReply(String)
    /// A command that would smuggle a second line (CR, LF or NUL in user data).
    case unsafeCommand(String)
    /// The greeting or EHLO/HELO was refused: the server will not talk to us.
    case refused(SMTPReply)
    /// The TLS layer failed (OpenSSL's reason).
    case tls(String)

    public var description: String {
        switch self {
        case let .resolve(host, reason): "cannot resolve `\(host)`: \(reason)"
        case let .connect(address, reason): "cannot connect to \(address): \(reason)"
        case let .timeout(what): "timed out waiting for \(what)"
        case let .closed(what): "connection closed by server while waiting for \(what)"
        case let .io(reason): "i/o error: \(reason)"
        case let .malformedReply(line): "malformed reply line `\(line)`"
        case let .unsafeCommand(command): "refusing to send a command holding CR, LF or NUL: `\(command)`"
        case let .refused(reply): "server refused the session: \(reply)"
        case let .tls(reason): "TLS: \(reason)"
        }
    }
}
