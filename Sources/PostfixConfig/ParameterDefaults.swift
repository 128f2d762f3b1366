#if canImport(Glibc)
import Glibc
#endif

/// `postconf -d`'s `name = value` lines (`parameterDefaultsText`), looked up by binary search:
/// the generator sorts the lines with `LC_ALL=C`, and the ` =` after a name sorts before any
/// byte of a name, so the lines are in name order. A dictionary of the 850 defaults, built on
/// the first lookup, cost every `check` and `simulate` 1.6M instructions; this index is one scan.
struct ParameterDefaults: Sequence {
    private let bytes: [UInt8]
    /// Byte ranges of each line's name and value, in name order.
    private let lines: [(name: Range<Int>, value: Range<Int>)]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var lines: [(name: Range<Int>, value: Range<Int>)] = []
        lines.reserveCapacity(1024)
        bytes.withUnsafeBufferPointer { b in
            var start = 0
            while start < b.count {
                var end = start
                while end < b.count, b[end] != UInt8(ascii: "\n") { end += 1 }
                // `name = value` or `name =`; names never hold `=` or spaces.
                var eq = start
                while eq < end, b[eq] != UInt8(ascii: "=") { eq += 1 }
                if eq < end, eq > start, b[eq - 1] == UInt8(ascii: " ") {
                    let valueStart = eq + 1 < end && b[eq + 1] == UInt8(ascii: " ") ? eq + 2 : eq + 1
                    lines.append((start..<(eq - 1), valueStart..<end))
                }
                start = end + 1
            }
        }
        self.lines = lines
    }

    subscript(name: String) -> String? {
        guard let i = index(of: name) else { return nil }
        return String(decoding: bytes[lines[i].value], as: UTF8.self)
    }

    var names: [String] { lines.map { String(decoding: bytes[$0.name], as: UTF8.self) } }

    func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        lines.lazy.map { (String(decoding: bytes[$0.name], as: UTF8.self),
                          String(decoding: bytes[$0.value], as: UTF8.self)) }.makeIterator()
    }

    /// Each line's name and value bytes (the value's indices start at 0), without a String.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { b in
            for line in lines {
                body(UnsafeBufferPointer(rebasing: b[line.name]), UnsafeBufferPointer(rebasing: b[line.value]))
            }
        }
    }

    private func index(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { key in
            bytes.withUnsafeBufferPointer { b in
                var low = 0, high = lines.count
                while low < high {
                    let mid = (low + high) / 2
                    let r = lines[mid].name
                    let common = Swift.min(r.count, key.count)
                    var order = common == 0 ? 0 : Int(memcmp(b.baseAddress! + r.lowerBound, key.baseAddress!, common))
                    if order == 0 { order = r.count - key.count }
                    if order == 0 { return mid }
                    if order < 0 { low = mid + 1 } else { high = mid }
                }
                return nil
            }
        }
    }
}
