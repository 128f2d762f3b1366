/// A DNS name as Postfix accepts it in a domain list: lower-cased LDH labels, no trailing dot.
public struct DomainName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    public enum ParseError: Error, Equatable, Sendable {
        case empty, tooLong, badLabel(String), notFullyQualified
    }

    /// `requireDot`: a gateway's own names must be fully qualified (reject_non_fqdn_* would bite).
    public init(_ text: some StringProtocol, requireDot: Bool = false) throws(ParseError) {
        var t = String(text).lowercased()
        if t.hasSuffix(".") { t.removeLast() }
        guard !t.isEmpty else { throw .empty }
        guard t.utf8.count <= 253 else { throw .tooLong }
        for label in t.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63,
                  label.utf8.allSatisfy({ DomainName.ldh($0) }),
                  label.first != "-", label.last != "-" else { throw .badLabel(String(label)) }
        }
        if requireDot, !t.contains(".") { throw .notFullyQualified }
        value = t
    }

    /// For text already validated byte by byte (the streaming recipient reader).
    init(unchecked value: String) { self.value = value }

    static func ldh(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f
    }

    /// True when `self` is `other` or a subdomain of it.
    public func isWithin(_ other: DomainName) -> Bool {
        value == other.value || value.hasSuffix("." + other.value)
    }

    public var description: String { value }
    public static func < (a: DomainName, b: DomainName) -> Bool { a.value < b.value }
}

/// `local@domain`. The local part is kept verbatim except that it may not hold characters that
/// would change the meaning of a map line or main.cf (whitespace, control characters, `"`).
public struct EmailAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let localPart: String
    public let domain: DomainName

    public enum ParseError: Error, Equatable, Sendable {
        case missingAt, emptyLocalPart, badLocalPart, badDomain(DomainName.ParseError)
    }

    public init(_ text: some StringProtocol) throws(ParseError) {
        guard let at = text.lastIndex(of: "@") else { throw .missingAt }
        let local = text[..<at]
        guard !local.isEmpty else { throw .emptyLocalPart }
        guard local.utf8.count <= 64,
              local.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f && $0 != "\"" && $0 != "," && $0 != "$" && $0 != "@" })
        else { throw .badLocalPart }
        do { domain = try DomainName(text[text.index(after: at)...]) } catch { throw .badDomain(error) }
        localPart = String(local)
    }

    public var description: String { "\(localPart)@\(domain)" }
    public static func < (a: EmailAddress, b: EmailAddress) -> Bool { a.description < b.description }
}

/// `host:port` where host is an IP address (IPv6 in brackets) or a DNS name.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public enum Host: Hashable, Sendable, CustomStringConvertible {
        case ip(IPAddress)
        case name(DomainName)
        public var description: String {
            switch self {
            case .ip(let a): a.isIPv4 ? a.description : "[\(a)]"
            case .name(let n): n.value
            }
        }
    }

    public var host: Host
    public var port: Int

    public enum ParseError: Error, Equatable, Sendable { case missingPort, badPort, badHost }

    public init(host: Host, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: some StringProtocol, defaultPort: Int? = nil) throws(ParseError) {
        var hostText = Substring(text)
        var portText: Substring?
        if hostText.hasPrefix("["), let close = hostText.firstIndex(of: "]") {
            let after = hostText[hostText.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .badHost }
            hostText = hostText[hostText.index(after: hostText.startIndex)..<close]
        } else if let colon = hostText.lastIndex(of: ":"), hostText.firstIndex(of: ":") == colon {
            portText = hostText[hostText.index(after: colon)...]
            hostText = hostText[..<colon]
        }
        if let p = portText {
            guard !p.isEmpty, p.count <= 5, p.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let v = Int(p), (1...65535).contains(v) else { throw .badPort }
            port = v
        } else if let d = defaultPort {
            port = d
        } else {
            throw .missingPort
        }
        if let ip = IPAddress(hostText) {
            host = .ip(ip)
        } else if let name = try? DomainName(hostText) {
            host = .name(name)
        } else {
            throw .badHost
        }
    }

    public var description: String { "\(host):\(port)" }
    public var isLoopback: Bool {
        switch host {
        case .ip(let a): a.isLoopback
        case .name(let n): n.value == "localhost"
        }
    }
}

/// A byte count written `10M`, `512k`, `1G` or plain digits (ClamAV's suffixes, powers of 1024).
public struct ByteSize: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: Int
    public init(bytes: Int) { self.bytes = bytes }

    public init?(_ text: some StringProtocol) {
        var t = Substring(text)
        var mult = 1
        switch t.last {
        case "k", "K": mult = 1 << 10; t = t.dropLast()
        case "m", "M": mult = 1 << 20; t = t.dropLast()
        case "g", "G": mult = 1 << 30; t = t.dropLast()
        default: break
        }
        guard !t.isEmpty, t.count <= 12, t.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(t) else { return nil }
        let (r, o) = v.multipliedReportingOverflow(by: mult)
        guard !o else { return nil }
        bytes = r
    }

    /// The shortest exact suffix form (`10M`), as ClamAV's files write it.
    public var description: String {
        for (s, m) in [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)] where bytes > 0 && bytes % m == 0 {
            return "\(bytes / m)\(s)"
        }
        return String(bytes)
    }

    public static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }
}
