import CBerkeleyDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Records collected in one byte arena, then handed out in the order that makes libdb's work
/// sequential:
/// - btree: key order (memcmp, libdb's default comparison), so each put appends to the
///   rightmost leaf;
/// - hash: bucket order, then key order inside a bucket, so pages are filled one after the
///   other (a small cache suffices) and each put appends to a page that DB 5 keeps sorted by
///   key (no memmove to make room).
/// Equal keys stay in arrival order; the writer's DB_NOOVERWRITE put then reports the later
/// ones exactly as postmap would.
///
/// Memory is bounded by `budget`: when the arena and index reach it, they are sorted and written
/// as one run to a scratch file beside the table (`SortSpill`), and `drain` merges the runs, so
/// 10,000,000 recipients sort in the budget rather than in 600 MB. The order is the same total
/// order either way (bucket, key bytes, arrival), so the table is byte for byte the same.
struct SortedBatch {
    /// Bytes of arena and index held before a run is written out.
    static let defaultBudget = 16 << 20
    private struct Record {
        var keyOffset: Int
        var sortKey: UInt64
        var keyLength: UInt32
        var valueLength: UInt32
        var line: Int32
        var sequence: UInt32
    }
    private var arena: [UInt8] = []
    private var records: [Record] = []
    private let hashMask: UInt32?
    private var commonPrefix = 0
    private var firstKey: [UInt8] = []
    private let budget: Int
    /// Opens the scratch file on the first spill: (descriptor, name for messages).
    private let scratch: () throws -> (Int32, String)
    private var spill: SortSpill?
    /// Records added in all (spilled ones included).
    private var total = 0
    /// Sorted runs written to disk so far (0: everything fit in the budget).
    var runCount: Int { spill?.runCount ?? 0 }

    /// `hashMask`: libdb's `high_mask` for a hash table (nil for btree). `scratch` opens the
    /// file runs spill to, beside the table; `budget` (bytes) is lowered by tests.
    init(hashMask: UInt32?, expectedEntries: Int, expectedBytes: Int, budget: Int = SortedBatch.defaultBudget,
         scratch: @escaping () throws -> (Int32, String)) {
        self.hashMask = hashMask
        self.budget = max(budget, 1)
        self.scratch = scratch
        // Sized so that neither array has to grow (a copy, twice the pages) before the budget
        // is reached: the budget split between index and arena by the average record.
        let entries = max(expectedEntries, 0), bytes = max(expectedBytes, 0)
        let average = entries > 0 ? max(bytes / entries, 8) : 32
        let perRun = self.budget / (MemoryLayout<Record>.stride + average) * 9 / 8
        records.reserveCapacity(min(entries, perRun))
        arena.reserveCapacity(min(bytes + bytes / 8, perRun * (average + 2)))
    }

    /// Appends one record; the key is folded (or copied) straight into the arena.
    mutating func add(key raw: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>,
                      options: MapOptions, line: Int) throws {
        if !records.isEmpty, arena.count + records.count * MemoryLayout<Record>.stride >= budget {
            try spillRun()
        }
        total += 1
        let offset = arena.count
        if !options.foldCase {
            arena.append(contentsOf: raw)
        } else if options.smtputf8 && !UTF8Check.isASCII(raw) {
            arena.append(contentsOf: KeyFolding.casefold(raw))
        } else {
            for c in raw { arena.append(c &+ ((c &- 0x41) < 26 ? 0x20 : 0)) }
        }
        let nul = options.nul.writesNul
        if nul { arena.append(0) }
        let keyLength = arena.count - offset
        arena.append(contentsOf: value)
        if nul { arena.append(0) }
        var bucket: UInt64 = 0
        arena.withUnsafeBufferPointer { a in
            let key = UnsafeBufferPointer(rebasing: a[offset..<(offset + keyLength)])
            if let hashMask { bucket = UInt64(BerkeleyDBHash.func5(key) & hashMask) }
            if records.isEmpty {
                firstKey = Array(key)
                commonPrefix = key.count
            } else if commonPrefix > 0 {
                // Longest prefix every key shares (`usuario…`): the sort key holds the bytes after it.
                var i = 0
                let limit = min(commonPrefix, key.count)
                while i < limit && firstKey[i] == key[i] { i += 1 }
                commonPrefix = i
            }
        }
        records.append(Record(keyOffset: offset, sortKey: bucket, keyLength: UInt32(keyLength),
                              valueLength: UInt32(value.count + (nul ? 1 : 0)), line: Int32(clamping: line),
                              sequence: UInt32(truncatingIfNeeded: records.count)))
    }

    /// Sort keys: the bucket (hash) in the high bits, then as many key bytes after the common
    /// prefix as fit, so most comparisons never touch the arena (a cache miss each).
    private mutating func makeSortKeys(_ base: UnsafePointer<UInt8>) {
        let bucketBits = hashMask.map { UInt64(UInt32.bitWidth - $0.leadingZeroBitCount) } ?? 0
        let byteCount = Int((64 - bucketBits) / 8)
        let skip = commonPrefix
        records.withUnsafeMutableBufferPointer { r in
            for i in r.indices {
                var prefix: UInt64 = 0
                let start = base + r[i].keyOffset
                let length = Int(r[i].keyLength)
                for j in 0..<byteCount {
                    let k = skip + j
                    prefix = prefix << 8 | UInt64(k < length ? start[k] : 0)
                }
                r[i].sortKey = bucketBits == 0 ? prefix : r[i].sortKey << (64 - bucketBits) | prefix
            }
        }
    }

    /// The held records in the order above (the arena's bytes at `base`).
    private mutating func sortedRecords(_ base: UnsafePointer<UInt8>) -> [Record] {
        makeSortKeys(base)
        var recs = records
        records = []
        recs.withUnsafeMutableBufferPointer { r in
            r.sort { x, y in
                if x.sortKey != y.sortKey { return x.sortKey < y.sortKey }
                let c = memcmp(base + x.keyOffset, base + y.keyOffset, Int(min(x.keyLength, y.keyLength)))
                if c != 0 { return c < 0 }
                if x.keyLength != y.keyLength { return x.keyLength < y.keyLength }
                return x.sequence < y.sequence
            }
        }
        return recs
    }

    /// Writes the held records, sorted, as one run of the spill and starts over empty.
    private mutating func spillRun() throws {
        if spill == nil {
            let (fd, path) = try scratch()
            spill = SortSpill(fd: fd, path: path)
        }
        guard let spill else { return }
        // Moved out, not copied, so its buffer stays uniquely referenced and is reused below.
        var arena = self.arena
        self.arena = []
        var recs: [Record] = []
        try arena.withUnsafeBufferPointer { a in
            guard let base = a.baseAddress else { return }
            recs = sortedRecords(base)
            spill.beginRun()
            for rec in recs {
                let key = UnsafeBufferPointer(start: base + rec.keyOffset, count: Int(rec.keyLength))
                let value = UnsafeBufferPointer(start: base + rec.keyOffset + Int(rec.keyLength), count: Int(rec.valueLength))
                try spill.append(key: key, value: value, line: rec.line,
                                 bucket: hashMask.map { BerkeleyDBHash.func5(key) & $0 } ?? 0)
            }
            try spill.endRun()
        }
        // The same buffers serve the next run (uniquely referenced again: no copy).
        recs.removeAll(keepingCapacity: true)
        records = recs
        arena.removeAll(keepingCapacity: true)
        self.arena = arena
        commonPrefix = 0
        firstKey = []
    }

    /// Emits the records in the order above. With `.replace` only the last of equal keys is
    /// emitted. The buffers handed to `emit` are valid only during the call.
    consuming func drain(policy: DuplicatePolicy, progress: ((Double) -> Void)? = nil,
                         _ emit: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        if spill != nil {
            if !records.isEmpty { try spillRun() }
            arena = []
            records = []
            try mergeRuns(policy: policy, progress: progress, emit)
            return
        }
        let arena = self.arena
        try arena.withUnsafeBufferPointer { a in
            guard let base = a.baseAddress else { return }
            let recs = sortedRecords(base)
            try recs.withUnsafeBufferPointer { r in
                for k in r.indices {
                    if k + 16 < r.count { gw_prefetch(base + r[k + 16].keyOffset) }
                    if k & 0xFFFF == 0, let progress { progress(Double(k) / Double(r.count)) }
                    let rec = r[k]
                    if policy == .replace, k + 1 < r.count {
                        let next = r[k + 1]
                        if next.keyLength == rec.keyLength
                            && memcmp(base + rec.keyOffset, base + next.keyOffset, Int(rec.keyLength)) == 0 {
                            continue
                        }
                    }
                    let key = UnsafeBufferPointer(start: base + rec.keyOffset, count: Int(rec.keyLength))
                    let value = UnsafeBufferPointer(start: base + rec.keyOffset + Int(rec.keyLength),
                                                    count: Int(rec.valueLength))
                    try emit(key, value, Int(rec.line))
                }
            }
        }
    }

    /// `drain` over the spilled runs. Each record is held back until the next one is known, so
    /// `.replace` can drop all but the last of equal keys as the in-memory drain does.
    private func mergeRuns(policy: DuplicatePolicy, progress: ((Double) -> Void)?,
                           _ emit: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        guard let spill else { return }
        var held: (key: [UInt8], value: [UInt8], line: Int)?
        func release() throws {
            guard let h = held else { return }
            try h.key.withUnsafeBufferPointer { k in try h.value.withUnsafeBufferPointer { v in try emit(k, v, h.line) } }
        }
        try spill.merge(budget: budget, hashed: hashMask != nil, total: total, progress: progress) { k, v, line, _ in
            guard policy == .replace else { try emit(k, v, line); return }
            if let h = held, !h.key.elementsEqual(k) { try release() }
            if held == nil { held = ([], [], 0) }
            held!.key.removeAll(keepingCapacity: true)
            held!.key.append(contentsOf: k)
            held!.value.removeAll(keepingCapacity: true)
            held!.value.append(contentsOf: v)
            held!.line = line
        }
        try release()
    }
}

/// The parts of libdb's hash access method a writer must mirror to insert in bucket order.
enum BerkeleyDBHash {
    /// `__ham_func5` (hash_func.c), libdb's default hash: FNV-1 from 0.
    @inline(__always)
    static func func5(_ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 0
        for c in key {
            h = h &* 16_777_619
            h ^= UInt32(c)
        }
        return h
    }

    /// `high_mask` of a new table created with `nelem` and `ffactor` (hash_meta.c
    /// __ham_init_meta: buckets = next power of two of ceil(nelem / ffactor)).
    static func highMask(nelem: UInt32, ffactor: UInt32) -> UInt32 {
        let buckets = (nelem - 1) / max(ffactor, 1) + 1
        var l2: UInt32 = 0
        var limit: UInt32 = 1
        while limit < max(buckets, 2) && l2 < 31 { limit <<= 1; l2 += 1 }
        return (1 << l2) - 1
    }

    /// Items per bucket so that one bucket fills about 85% of a page: each pair costs its
    /// bytes plus two one-byte item headers and two two-byte index slots.
    static func fillFactor(pageSize: UInt32, averageRecord: Int) -> UInt32 {
        let usable = Double(pageSize - 26) * 0.85
        return UInt32(max(1, usable / Double(max(averageRecord, 1) + 6)))
    }
}
