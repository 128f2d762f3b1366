/// A Postfix release, compared numerically (`2.8` < `2.10` < `3.7`).
public struct PostfixVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `2.8`, `3.7`, `3.7.11` (the patch level is accepted and ignored: it never renames anything).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let a = Int(parts[0]), let b = Int(parts[1]), (2...4).contains(a) else { return nil }
        major = a
        minor = b
    }

    public static func < (a: PostfixVersion, b: PostfixVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
    public var description: String { "\(major).\(minor)" }

    /// `smtpd_relay_restrictions` exists from 2.10.
    public var hasRelayRestrictions: Bool { self >= PostfixVersion(2, 10) }
    /// `reject_invalid_helo_hostname` and friends replaced the 2.2 names in 2.3.
    public var hasHeloHostnameNames: Bool { self >= PostfixVersion(2, 3) }
}
