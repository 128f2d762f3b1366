import Diagnostics

/// One `Option value` line of clamd.conf or freshclam.conf.
public struct ClamOption: Sendable {
    public var name: String
    public var value: String
    public var nameSpan: SourceSpan
    public var valueSpan: SourceSpan
}

/// clamd.conf / freshclam.conf as ClamAV's optparser reads them: `#` comments, one
/// `Option [value]` per line (a value may follow a space, tab or `=`), repeatable options
/// (DatabaseMirror, ...) kept in order.
public struct ClamConf: Sendable {
    public var file: String
    public var options: [ClamOption] = []

    public init(file: String, bytes: [UInt8]) {
        self.file = file
        var lineNo = 0
        for raw in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Array(raw)
            if line.last == 0x0d { line.removeLast() }
            var i = 0
            while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
            guard i < line.count, line[i] != 0x23 else { continue }
            let nameStart = i
            while i < line.count, line[i] != 0x20, line[i] != 0x09, line[i] != 0x3d { i += 1 }
            let nameEnd = i
            while i < line.count, line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x3d { i += 1 }
            var end = line.count
            while end > i, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
            var v = Array(line[i..<end])
            if v.count >= 2, v.first == 0x22, v.last == 0x22 { v = Array(v.dropFirst().dropLast()) }
            options.append(ClamOption(
                name: String(decoding: line[nameStart..<nameEnd], as: UTF8.self),
                value: String(decoding: v, as: UTF8.self),
                nameSpan: SourceSpan(file: file, line: lineNo, column: nameStart + 1, endColumn: nameEnd + 1),
                valueSpan: SourceSpan(file: file, line: lineNo, column: i + 1, endColumn: max(i, end) + 1)))
        }
    }

    /// The last value of `name` (ClamAV keeps the last of a single-valued option).
    public func option(_ name: String) -> ClamOption? { options.last { $0.name == name } }
    public func value(_ name: String) -> String? { option(name)?.value }
}

extension PostfixConfigSet {
    /// The linted clamd.conf or freshclam.conf (`role`), parsed; nil when none was found.
    public func clamConf(_ role: String) -> ClamConf? {
        guard let path = companion(role), let bytes = readFile(path) else { return nil }
        return ClamConf(file: path, bytes: bytes)
    }
}
