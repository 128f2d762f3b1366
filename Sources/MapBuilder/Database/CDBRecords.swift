import CBerkeleyDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The records of a cdb build in source order (folded keys in one arena), and the order and
/// duplicate decisions tinycdb's `cdb_make_put` would have made for them, found with one
/// open-addressing table over cdb's own key hash instead of a list scan per record.
struct CDBRecords {
    private struct Record {
        var offset: Int
        var keyLength: UInt32
        var valueLength: UInt32
        var line: Int32
        var hash: UInt32
    }
    private var arena: [UInt8] = []
    private var list: [Record] = []

    mutating func reserve(entries: Int, bytes: Int) {
        list.reserveCapacity(max(entries, 0))
        arena.reserveCapacity(max(bytes, 0))
    }

    /// `options.nul` must be resolved (`.always` or `.never`).
    mutating func add(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, options: MapOptions, line: Int) {
        let offset = arena.count
        if options.foldCase {
            KeyFolding.fold(key, smtputf8: options.smtputf8, appendingTo: &arena)
        } else {
            arena.append(contentsOf: key)
        }
        let nul = options.nul.writesNul
        if nul { arena.append(0) }
        let keyLength = arena.count - offset
        arena.append(contentsOf: value)
        if nul { arena.append(0) }
        let hash = arena.withUnsafeBufferPointer { CDBRecords.hash(UnsafeBufferPointer(rebasing: $0[offset..<(offset + keyLength)])) }
        list.append(Record(offset: offset, keyLength: UInt32(keyLength), valueLength: UInt32(value.count + (nul ? 1 : 0)),
                           line: Int32(clamping: line), hash: hash))
    }

    /// cdb's key hash (tinycdb's `cdb_hash`: h = 5381, then h = (h * 33) ^ byte), inlined.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 5381
        for c in key { h = (h &+ (h << 5)) ^ UInt32(c) }
        return h
    }

    /// Hands `record` the records tinycdb would have kept, in the order they would sit in its
    /// file, and `duplicate` each record the default mode refuses.
    func emit(policy: DuplicatePolicy, progress: ((Double) -> Void)?,
              duplicate: (UnsafeBufferPointer<UInt8>, Int) -> Void,
              record: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try arena.withUnsafeBufferPointer { a in
            guard let base = a.baseAddress else { return }
            let n = list.count
            func key(_ i: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(start: base + list[i].offset, count: Int(list[i].keyLength))
            }
            func value(_ i: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(start: base + list[i].offset + Int(list[i].keyLength), count: Int(list[i].valueLength))
            }
            func report(_ i: Int) {
                if i & 0xFFFF == 0, let progress { progress(Double(i) / Double(max(n, 1))) }
            }
            if policy == .ignore {
                // CDB_PUT_ADD: no lookup at all, every record goes in.
                for i in 0..<n { report(i); try record(key(i), value(i)) }
                return
            }
            // First record of each key: slots hold hash << 32 | index + 1, so a probe touches
            // the record (another cache miss) only when the hashes agree.
            var capacity = 16
            while capacity < n + n / 2 { capacity <<= 1 }
            let mask = capacity - 1
            var table = [UInt64](repeating: 0, count: capacity)
            let records = list
            /// The index of the first record with record i's key (i itself when it is the first).
            func first(_ i: Int, _ slots: UnsafeMutablePointer<UInt64>, _ r: UnsafePointer<Record>) -> Int {
                if i + 16 < n { gw_prefetch(slots + (Int(r[i + 16].hash) & mask)) }
                let hash = r[i].hash
                var s = Int(hash) & mask
                while slots[s] != 0 {
                    let j = Int(truncatingIfNeeded: slots[s] & 0xFFFF_FFFF) - 1
                    if UInt32(truncatingIfNeeded: slots[s] >> 32) == hash && r[j].keyLength == r[i].keyLength
                        && memcmp(base + r[j].offset, base + r[i].offset, Int(r[i].keyLength)) == 0 {
                        return j
                    }
                    s = (s + 1) & mask
                }
                slots[s] = UInt64(hash) << 32 | UInt64(i + 1)
                return i
            }
            try table.withUnsafeMutableBufferPointer { t in
                try records.withUnsafeBufferPointer { r in
                    guard let slots = t.baseAddress, let rp = r.baseAddress else { return }
                    if policy == .warn {
                        // CDB_PUT_INSERT: the first record wins, later ones are refused.
                        for i in 0..<n {
                            report(i)
                            if first(i, slots, rp) == i { try record(key(i), value(i)) } else { duplicate(key(i), Int(rp[i].line)) }
                        }
                        return
                    }
                    // CDB_PUT_REPLACE: each put removes the key's earlier record and appends, so
                    // a key ends up once, at the position of its last record.
                    var firstOf = [UInt32](repeating: 0, count: n)
                    var lastOf = [UInt32](repeating: 0, count: n)
                    for i in 0..<n {
                        let f = first(i, slots, rp)
                        firstOf[i] = UInt32(f)
                        lastOf[f] = UInt32(i)
                    }
                    for i in 0..<n where Int(lastOf[Int(firstOf[i])]) == i {
                        report(i)
                        try record(key(i), value(i))
                    }
                }
            }
        }
    }
}
