#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The records of a cdb build in the default (first wins) or `-r` (last wins, at its position)
/// mode, held on disk rather than in memory: each record goes to a scratch file (one run of a
/// `SortSpill`, no name on disk) as it comes, and memory holds only an index of the keys kept
/// so far, one 64-bit slot per key (the top 28 bits of its xxh64, which also place it, and
/// its scratch position in the other 36), a hit confirmed
/// by reading the key back. `-r` flags the replaced record in the scratch file; `emit` then
/// reads the file once, in order, and hands on the records still kept: the order and the
/// duplicate decisions tinycdb's `cdb_make_put` would have made.
struct CDBRecords {
    private static let positionBits = 36
    private static let positionMask: UInt64 = (1 << 36) - 1
    /// The bucket word of a record `-r` replaced later.
    private static let replaced: UInt32 = 1

    private let spill: SortSpill
    private let replace: Bool
    private var slots: [UInt64]
    private var used = 0
    private(set) var kept = 0

    /// `replace`: `-r`; otherwise the first record of a key is kept. `flushAt`: the scratch
    /// file's write buffer.
    init(fd: Int32, path: String, replace: Bool, expectedEntries: Int, flushAt: Int) {
        spill = SortSpill(fd: fd, path: path, flushAt: flushAt)
        spill.beginRun()
        self.replace = replace
        var capacity = 1 << 12
        while capacity < expectedEntries + expectedEntries / 3 && capacity < 1 << 30 { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity)
    }

    /// Adds a record (key folded, NULs added); false when the default mode refuses it as a
    /// duplicate of an earlier key.
    mutating func add(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int) throws -> Bool {
        let hash = ContentHash.xxh64(key)
        let tag = (hash >> UInt64(Self.positionBits)) << UInt64(Self.positionBits)
        let position = spill.position
        guard UInt64(position) + 1 < Self.positionMask else {
            throw MapError(.io, "write \(spill.path): cdb scratch file past 64 GiB")
        }
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: tag >> UInt64(Self.positionBits)) & mask
        while slots[s] != 0 {
            let slot = slots[s]
            if slot & ~Self.positionMask == tag {
                let earlier = Int(slot & Self.positionMask) - 1
                if try spill.keyEquals(at: earlier, key) {
                    guard replace else { return false }
                    // CDB_PUT_REPLACE removes the earlier record: the key now sits here.
                    try spill.setBucket(at: earlier, Self.replaced)
                    slots[s] = tag | UInt64(position + 1)
                    try spill.append(key: key, value: value, line: Int32(clamping: line), bucket: 0)
                    return true
                }
            }
            s = (s + 1) & mask
        }
        slots[s] = tag | UInt64(position + 1)
        used += 1
        kept += 1
        try spill.append(key: key, value: value, line: Int32(clamping: line), bucket: 0)
        if used * 4 > slots.count * 3 { grow() }
        return true
    }

    /// Doubles the index; a slot's place comes from its tag, so no key is read again.
    private mutating func grow() {
        let old = slots
        slots = []
        var bigger = [UInt64](repeating: 0, count: old.count * 2)
        let mask = bigger.count - 1
        for slot in old where slot != 0 {
            var s = Int(truncatingIfNeeded: slot >> UInt64(Self.positionBits)) & mask
            while bigger[s] != 0 { s = (s + 1) & mask }
            bigger[s] = slot
        }
        slots = bigger
    }

    /// Frees the index and hands `record` the kept records in the order tinycdb would have
    /// left them.
    mutating func emit(progress: ((Double) -> Void)?,
                       record: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        slots = []
        try spill.endRun()
        try spill.merge(budget: 1 << 20, hashed: false, total: kept, progress: progress) { key, value, _, bucket in
            if bucket != Self.replaced { try record(key, value) }
        }
    }
}
