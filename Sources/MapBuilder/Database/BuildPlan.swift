/// libdb settings for one build. Small tables get postmap's defaults; bulk builds (the 1M-entry
/// benchmark) get what libdb needs to run sequentially: 64 KiB pages, a fill factor sized from
/// the average record so `h_nelem` is honoured (libdb ignores it without one) and no bucket
/// ever splits, and input sorted by bucket (hash) or key (btree) so a 16 MiB cache suffices.
struct BuildPlan {
    var entries: Int
    var sorted: Bool
    var pageSize: UInt32 = 0
    var cacheBytes: UInt32 = 0
    var nelem: UInt32 = 0
    var ffactor: UInt32 = 0
    var hashMask: UInt32?

    /// Below this many records libdb's defaults are as fast as anything.
    static let bulkThreshold = 20_000

    init(type: MapType, options: MapWriteOptions) {
        let bytes = options.expectedBytes
        entries = max(options.expectedEntries, 0)
        if entries == 0 && bytes > 0 { entries = bytes / 32 + 1 }
        sorted = entries >= BuildPlan.bulkThreshold
        guard sorted else { return }
        pageSize = 65_536
        cacheBytes = 16 << 20
        guard type == .hash else { return }
        // Average record as stored: the source line minus separator and newline, plus the NULs.
        let average = bytes > 0 ? max(bytes / entries, 4) : 48
        nelem = UInt32(clamping: entries)
        ffactor = BerkeleyDBHash.fillFactor(pageSize: pageSize, averageRecord: average)
        hashMask = BerkeleyDBHash.highMask(nelem: nelem, ffactor: ffactor)
    }
}
