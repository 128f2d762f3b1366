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
