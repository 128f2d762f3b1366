import Foundation

/// Postfix's key folding for fixed-key tables (DICT_FLAG_FOLD_FIX): ASCII lower-case, or with
/// SMTPUTF8 a Unicode casefold of non-ASCII keys (src/util/casefold.c; ASCII keys keep the
/// byte-wise fast path there too).
enum KeyFolding {
    /// Writes the folded `key` into `out` (cleared first).
    @inline(__always)
    static func fold(_ key: UnsafeBufferPointer<UInt8>, smtputf8: Bool, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        if smtputf8 && !UTF8Check.isASCII(key) {
            out.append(contentsOf: casefold(key))
            return
        }
        out.reserveCapacity(key.count)
        for c in key { out.append(c &+ ((c &- 0x41) < 26 ? 0x20 : 0)) }
    }

    /// Appends the folded `key` to `out`.
    @inline(__always)
    static func fold(_ key: UnsafeBufferPointer<UInt8>, smtputf8: Bool, appendingTo out: inout [UInt8]) {
        if smtputf8 && !UTF8Check.isASCII(key) {
            out.append(contentsOf: casefold(key))
            return
        }
        // Copy, then lower-case in place: one capacity check instead of one per byte.
        let start = out.count
        out.append(contentsOf: key)
        out.withUnsafeMutableBufferPointer { b in
            for i in start..<b.count { let c = b[i]; b[i] = c &+ ((c &- 0x41) < 26 ? 0x20 : 0) }
        }
    }

    static func fold(_ key: [UInt8], smtputf8: Bool) -> [UInt8] {
        var out: [UInt8] = []
        key.withUnsafeBufferPointer { fold($0, smtputf8: smtputf8, into: &out) }
        return out
    }

    /// Full Unicode case folding (ICU's u_strFoldCase with U_FOLD_CASE_DEFAULT, which Postfix
    /// calls): `ß` becomes `ss`, `Σ`/`ς` become `σ`.
    static func casefold(_ key: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let s = String(decoding: key, as: UTF8.self)
        return Array(s.folding(options: [.caseInsensitive], locale: nil).utf8)
    }
}
