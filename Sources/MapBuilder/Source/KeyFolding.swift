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
    /// Bytes that are not UTF-8 become U+FFFD first, as before the fold. The table
    /// (`CaseFoldTable.swift`) is generated from Unicode's CaseFolding.txt: Foundation's
    /// `String.folding` would link ICU into every command for this one call.
    static func casefold(_ key: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out = String.UnicodeScalarView()
        for scalar in String(decoding: key, as: UTF8.self).unicodeScalars {
            guard let entry = caseFoldEntry(scalar.value) else { out.append(scalar); continue }
            for i in 1...3 {
                let v = caseFoldTable[entry + i]
                if v == 0 { break }
                out.append(Unicode.Scalar(v) ?? scalar)
            }
        }
        return Array(String(out).utf8)
    }

    /// Index of `scalar`'s entry in `caseFoldTable` (a binary search over its four-value rows).
    private static func caseFoldEntry(_ scalar: UInt32) -> Int? {
        var low = 0, high = caseFoldTable.count / 4
        while low < high {
            let mid = (low + high) / 2
            let v = caseFoldTable[mid * 4]
            if v == scalar { return mid * 4 }
            if v < scalar { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}
