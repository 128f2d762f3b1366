// Shared by the fuzz targets: splits one input into parts at lines that hold `%%`.
enum FuzzInput {
    static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
        var parts: [[UInt8]] = [[]]
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
            let line = bytes[start..<i]
            if line.elementsEqual("%%".utf8) {
                parts.append([])
            } else {
                parts[parts.count - 1] += line
                if i < bytes.count { parts[parts.count - 1].append(0x0A) }
            }
            start = i + 1
        }
        return parts
    }
}
