/// XXH64 (xxHash, seed 0): a fast content fingerprint for the incremental skip. Not a security
/// boundary: whoever can change the source can rebuild the table anyway.
public enum ContentHash {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }
    @inline(__always) private static func merge(_ acc: UInt64, _ val: UInt64) -> UInt64 {
        (acc ^ round(0, val)) &* p1 &+ p4
    }

    public static func xxh64(_ b: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0) -> UInt64 {
        guard let base = b.baseAddress else { return avalanche(seed &+ p5) }
        let raw = UnsafeRawPointer(base)
        let n = b.count
        var i = 0
        var h: UInt64
        func read64(_ o: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        if n >= 32 {
            var v1 = seed &+ p1 &+ p2, v2 = seed &+ p2, v3 = seed, v4 = seed &- p1
            while i + 32 <= n {
                v1 = round(v1, read64(i)); v2 = round(v2, read64(i + 8))
                v3 = round(v3, read64(i + 16)); v4 = round(v4, read64(i + 24))
                i += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = merge(h, v1); h = merge(h, v2); h = merge(h, v3); h = merge(h, v4)
        } else {
            h = seed &+ p5
        }
        return tail(h &+ UInt64(n), UnsafeBufferPointer(rebasing: b[i...]))
    }

    /// The XXH64 of bytes fed in pieces (a source streamed to disk, never held whole): equal
    /// to `xxh64` of their concatenation, however they are split.
    public struct Streaming: Sendable {
        private var v1 = p1 &+ p2, v2 = p2, v3: UInt64 = 0, v4 = 0 &- p1
        private var pending: [UInt8] = []
        /// Bytes fed so far.
        public private(set) var count = 0

        public init() { pending.reserveCapacity(32) }

        public mutating func update(_ b: UnsafeBufferPointer<UInt8>) {
            guard let base = b.baseAddress, b.count > 0 else { return }
            count += b.count
            var i = 0
            if !pending.isEmpty {
                let take = min(32 - pending.count, b.count)
                pending.append(contentsOf: UnsafeBufferPointer(start: base, count: take))
                i = take
                guard pending.count == 32 else { return }
                pending.withUnsafeBytes { stripe($0.baseAddress!) }
                pending.removeAll(keepingCapacity: true)
            }
            let raw = UnsafeRawPointer(base)
            while i + 32 <= b.count {
                stripe(raw + i)
                i += 32
            }
            if i < b.count { pending.append(contentsOf: UnsafeBufferPointer(start: base + i, count: b.count - i)) }
        }

        private mutating func stripe(_ p: UnsafeRawPointer) {
            func read64(_ o: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
            v1 = ContentHash.round(v1, read64(0)); v2 = ContentHash.round(v2, read64(8))
            v3 = ContentHash.round(v3, read64(16)); v4 = ContentHash.round(v4, read64(24))
        }

        /// The hash of everything fed so far.
        public func finish() -> UInt64 {
            var h: UInt64
            if count >= 32 {
                h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
                h = merge(h, v1); h = merge(h, v2); h = merge(h, v3); h = merge(h, v4)
            } else {
                h = p5
            }
            h = h &+ UInt64(count)
            return pending.withUnsafeBufferPointer { ContentHash.tail(h, $0) }
        }
    }

    /// The last `n % 32` bytes folded into `h` (the part one-shot and streaming share).
    @inline(__always) private static func tail(_ start: UInt64, _ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = start
        guard let base = b.baseAddress else { return avalanche(h) }
        let raw = UnsafeRawPointer(base)
        let n = b.count
        var i = 0
        func read64(_ o: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        func read32(_ o: Int) -> UInt64 { UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self))) }
        while i + 8 <= n {
            h ^= round(0, read64(i))
            h = rotl(h, 27) &* p1 &+ p4
            i += 8
        }
        if i + 4 <= n {
            h ^= read32(i) &* p1
            h = rotl(h, 23) &* p2 &+ p3
            i += 4
        }
        while i < n {
            h ^= UInt64(base[i]) &* p5
            h = rotl(h, 11) &* p1
            i += 1
        }
        return avalanche(h)
    }

    private static func avalanche(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33; h = h &* p2
        h ^= h >> 29; h = h &* p3
        h ^= h >> 32
        return h
    }
}
