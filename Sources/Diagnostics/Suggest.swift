/// "did you mean" for unknown names: the closest candidate by edit distance, if close enough.
public enum Suggest {
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let w = Array(word.lowercased().utf8)
        let allowed = max(1, w.count / 3)
        var best: (String, Int)?
        for c in candidates {
            // The edit distance is at least the length difference: skip hopeless candidates cheaply.
            guard abs(c.utf8.count - w.count) <= allowed else { continue }
            let d = distance(w, Array(c.lowercased().utf8))
            if d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        guard let (c, d) = best else { return nil }
        // Allow about one edit per three characters, at least one.
        return d <= allowed ? c : nil
    }

    /// Many words against one large fixed list (every unknown parameter of a 100,000-line
    /// main.cf against Postfix's ~1,000 names): the candidates are lower-cased once and grouped
    /// by length, so a word only meets the candidates its length allows.
    public struct Index: Sendable {
        private var byLength: [Int: [(name: String, bytes: [UInt8])]] = [:]

        public init(_ candidates: some Sequence<String>) {
            for c in candidates { byLength[c.utf8.count, default: []].append((c, Array(c.lowercased().utf8))) }
            for k in byLength.keys { byLength[k]?.sort { $0.name < $1.name } }
        }

        /// The same answer as `Suggest.closest(to:in:)` over the candidates, ties to the first
        /// name in sorted order.
        public func closest(to word: String) -> String? {
            let w = Array(word.lowercased().utf8)
            let allowed = max(1, w.count / 3)
            var best: (String, Int)?
            for length in max(0, w.count - allowed)...(w.count + allowed) {
                for c in byLength[length] ?? [] {
                    let d = distance(w, c.bytes)
                    if d < (best?.1 ?? Int.max) || (d == best?.1 && c.name < best!.0) { best = (c.name, d) }
                }
            }
            guard let (c, d) = best, d <= allowed else { return nil }
            return c
        }
    }

    /// Damerau-Levenshtein (optimal string alignment): a swapped pair counts as one typo.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
