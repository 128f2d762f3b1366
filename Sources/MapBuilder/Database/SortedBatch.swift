#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Records collected in one byte arena, then handed out in key order (memcmp order, as libdb's
/// default btree comparison) so a btree build appends instead of splitting pages at random.
/// Duplicates are resolved here with postmap's policy; the original order breaks ties.
struct SortedBatch {
    private struct Record {
        var keyOffset: Int
        var keyLength: UInt32
        var valueLength: UInt32
        var line: Int32
    }
    private var arena: [UInt8] = []
    private var records: [Record] = []

    mutating func add(key: [UInt8], value: UnsafeBufferPointer<UInt8>, nul: Bool, line: Int) {
        let offset = arena.count
        arena.append(contentsOf: key)
        arena.append(contentsOf: value)
        if nul { arena.append(0) }
        records.append(Record(keyOffset: offset, keyLength: UInt32(key.count),
                              valueLength: UInt32(value.count + (nul ? 1 : 0)), line: Int32(clamping: line)))
    }

    /// Emits each record in key order. With `.replace` only the last of equal keys is emitted;
    /// otherwise the first, and the later ones are emitted too so the writer's DB_NOOVERWRITE
    /// put reports them exactly as for a hash table.
    consuming func drain(policy: DuplicatePolicy,
                         _ emit: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, Int) throws -> Void) rethrows {
        let recs = records
        try arena.withUnsafeBufferPointer { a in
            guard let base = a.baseAddress else { return }
            var order = Array(0..<recs.count)
            order.sort { i, j in
                let x = recs[i], y = recs[j]
                let n = Int(min(x.keyLength, y.keyLength))
                let c = memcmp(base + x.keyOffset, base + y.keyOffset, n)
                if c != 0 { return c < 0 }
                if x.keyLength != y.keyLength { return x.keyLength < y.keyLength }
                return i < j
            }
            var k = 0
            while k < order.count {
                let r = recs[order[k]]
                if policy == .replace, k + 1 < order.count {
                    let s = recs[order[k + 1]]
                    if s.keyLength == r.keyLength && memcmp(base + r.keyOffset, base + s.keyOffset, Int(r.keyLength)) == 0 {
                        k += 1
                        continue
                    }
                }
                let key = UnsafeBufferPointer(start: base + r.keyOffset, count: Int(r.keyLength))
                let value = UnsafeBufferPointer(start: base + r.keyOffset + Int(r.keyLength), count: Int(r.valueLength))
                try emit(key, value, Int(r.line))
                k += 1
            }
        }
    }
}
