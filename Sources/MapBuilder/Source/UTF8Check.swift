/// RFC 3629 validation as Postfix's valid_utf8_string(): no over-long forms, no surrogates,
/// nothing above U+10FFFF.
public enum UTF8Check {
    /// Offset of the first byte that starts an invalid sequence, or nil when all is valid.
    public static func firstInvalidOffset(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            let c0 = b[i]
            if c0 < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            guard i + need < n else { return i }
            let c1 = b[i + 1]
            if c1 < lo || c1 > hi { return i }
            var k = 2
            while k <= need {
                if b[i + k] & 0xC0 != 0x80 { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }

    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { firstInvalidOffset($0) == nil }
    }

    public static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in b where c >= 0x80 { return false }
        return true
    }
}
