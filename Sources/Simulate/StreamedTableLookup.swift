import FileLayer
import FoundationEssentials
import MapBuilder
import GatewayCompiler

/// Lookups in a fixed-key table whose emitted source is streamed (`StreamedContents`: a
/// relay_recipients of millions of lines): each new key is answered by one pass over the
/// stream, never by loading it into a dictionary, since a simulation asks a few keys. The
/// source holds one record per physical line, `key value` without quoting (what the emitters
/// stream); the first record of a key wins, as postmap keeps it. Answers are remembered.
final class StreamedTableLookup: @unchecked Sendable {
    private let stream: StreamedContents
    private let options: MapOptions
    private let lock = ThreadLock()
    private var answers: [String: String?] = [:]

    init(_ stream: StreamedContents, options: MapOptions) {
        self.stream = stream
        self.options = options
    }

    func lookup(_ key: String) -> String? {
        let folded = ResolvedMap.folded(key, options: options)
        lock.lock()
        defer { lock.unlock() }
        if let known = answers[folded] { return known }
        let found = scan(for: Array(folded.utf8))
        answers[folded] = found
        return found
    }

    private func scan(for wanted: [UInt8]) -> String? {
        var found: String?
        var partial: [UInt8] = []
        func line(_ l: UnsafeBufferPointer<UInt8>) {
            guard found == nil, let first = l.first, first != UInt8(ascii: "#"), !SourceText.isSpace(first) else { return }
            var end = 0
            while end < l.count, !SourceText.isSpace(l[end]) { end += 1 }
            let key = UnsafeBufferPointer(rebasing: l[0..<end])
            if key.allSatisfy({ $0 < 0x80 }) || !options.foldCase {
                guard key.count == wanted.count else { return }
                for i in 0..<key.count {
                    var c = key[i]
                    if options.foldCase, c >= 0x41, c <= 0x5A { c += 0x20 }
                    if c != wanted[i] { return }
                }
            } else if Array(ResolvedMap.folded(String(decoding: key, as: UTF8.self), options: options).utf8) != wanted {
                return
            }
            var v = end
            while v < l.count, SourceText.isSpace(l[v]) { v += 1 }
            var e = l.count
            while e > v, SourceText.isSpace(l[e - 1]) { e -= 1 }
            found = String(decoding: UnsafeBufferPointer(rebasing: l[v..<e]), as: UTF8.self)
        }
        try? stream.write { chunk in
            guard found == nil else { return }
            var start = 0
            for i in 0..<chunk.count where chunk[i] == 0x0A {
                if partial.isEmpty {
                    line(UnsafeBufferPointer(rebasing: chunk[start..<i]))
                } else {
                    partial.append(contentsOf: chunk[start..<i])
                    partial.withUnsafeBufferPointer { line($0) }
                    partial.removeAll()
                }
                start = i + 1
            }
            partial.append(contentsOf: chunk[start...])
        }
        if found == nil, !partial.isEmpty { partial.withUnsafeBufferPointer { line($0) } }
        return found
    }
}

private enum SourceText {
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
}
