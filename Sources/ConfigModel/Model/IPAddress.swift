/// An IPv4 or IPv6 address, stored as bytes (4 or 16).
public struct IPAddress: Hashable, Sendable, Comparable {
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }
    public var isLoopback: Bool {
        isIPv4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Dotted quad or RFC 4291 text (`::` compression, embedded IPv4 tail). No zone ids, no brackets.
    /// Specialized for the two types callers pass: called from other modules, the generic code
    /// (witness tables, associated-type look-ups) cost 50,000 instructions an address.
    @_specialize(where S == String)
    @_specialize(where S == Substring)
    public init?<S: StringProtocol>(_ text: S) {
        if let v4 = IPAddress.parseV4(text) { bytes = v4; return }
        if let v6 = IPAddress.parseV6(text) { bytes = v6; return }
        return nil
    }

    static func parseV4(_ text: some StringProtocol) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            // Postfix and inet_pton reject leading zeros' octal ambiguity; so do we.
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }),
                  p.count == 1 || p.first != "0", let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }

    static func parseV6(_ text: some StringProtocol) -> [UInt8]? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let whole = Substring(text)
        var halves = [whole]
        if let r = whole.firstRange(of: "::") { halves = [whole[..<r.lowerBound], whole[r.upperBound...]] }
        guard halves.count == 1 || !halves[1].contains("::") else { return nil }
        func groups(_ s: Substring) -> [UInt8]? {
            if s.isEmpty { return [] }
            var out: [UInt8] = []
            let items = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, g) in items.enumerated() {
                if i == items.count - 1, g.contains("."), let v4 = parseV4(g) { out += v4; continue }
                guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
                out += [UInt8(v >> 8), UInt8(v & 0xff)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        a.bytes.count != b.bytes.count ? a.bytes.count < b.bytes.count : a.bytes.lexicographicallyPrecedes(b.bytes)
    }
}

extension IPAddress: CustomStringConvertible {
    /// Canonical text: dotted quad, or RFC 5952 IPv6 (longest zero run compressed, lower case).
    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        let words = stride(from: 0, to: 16, by: 2).map { Int(bytes[$0]) << 8 | Int(bytes[$0 + 1]) }
        var best = (start: -1, len: 0), cur = (start: -1, len: 0)
        for (i, w) in words.enumerated() {
            if w == 0 {
                cur = cur.start < 0 ? (i, 1) : (cur.start, cur.len + 1)
                if cur.len > best.len { best = cur }
            } else { cur = (-1, 0) }
        }
        let hex = words.map { String($0, radix: 16) }
        if best.len < 2 { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.len)...].joined(separator: ":")
        return head + "::" + tail
    }
}

/// A network in CIDR notation. Host bits must be zero: Postfix logs "non-null host address bits"
/// and then ignores the rest of the network list, so we refuse such input outright.
public struct CIDR: Hashable, Sendable {
    public let address: IPAddress
    public let prefix: Int

    public enum ParseError: Error, Equatable, Sendable {
        case badAddress, badPrefix, hostBitsSet(suggested: String)
    }

    public init(address: IPAddress, prefix: Int) throws(ParseError) {
        guard prefix >= 0, prefix <= address.bytes.count * 8 else { throw .badPrefix }
        let masked = CIDR.mask(address, prefix)
        guard masked == address else {
            throw .hostBitsSet(suggested: "\(masked)/\(prefix)")
        }
        self.address = address
        self.prefix = prefix
    }

    /// `a.b.c.d/n`, `addr` alone (a host route), or `[v6]/n` as Postfix writes IPv6 in mynetworks.
    public init(parsing text: some StringProtocol) throws(ParseError) {
        var t = Substring(text)
        var prefixText: Substring?
        if let slash = t.lastIndex(of: "/") {
            prefixText = t[t.index(after: slash)...]
            t = t[..<slash]
        }
        if t.hasPrefix("["), t.hasSuffix("]") { t = t.dropFirst().dropLast() }
        guard let ip = IPAddress(t) else { throw .badAddress }
        var prefix = ip.bytes.count * 8
        if let p = prefixText {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(p) else {
                throw .badPrefix
            }
            prefix = v
        }
        try self.init(address: ip, prefix: prefix)
    }

    public var size: Double { Double(sign: .plus, exponent: address.bytes.count * 8 - prefix, significand: 1) }

    public func contains(_ ip: IPAddress) -> Bool {
        ip.bytes.count == address.bytes.count && CIDR.mask(ip, prefix) == address
    }

    static func mask(_ ip: IPAddress, _ prefix: Int) -> IPAddress {
        var b = ip.bytes
        for i in 0..<b.count {
            let bits = max(0, min(8, prefix - i * 8))
            b[i] &= bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bits))
        }
        return IPAddress(bytes: b) ?? ip
    }
}

extension CIDR: CustomStringConvertible {
    /// Postfix syntax: IPv6 networks in brackets, as mynetworks expects.
    public var description: String {
        address.isIPv4 ? "\(address)/\(prefix)" : "[\(address)]/\(prefix)"
    }
}
