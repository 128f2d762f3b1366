/// `diff -u` text between two versions of a file (Myers' O((N+M)D) algorithm after trimming the
/// common head and tail, so a one-line change in a million-line map stays cheap). When the edit
/// distance exceeds `maxEdits` the middle is shown as removed and re-added, still a valid diff.
public enum UnifiedDiff {
    public static func diff(old: String, new: String, oldName: String, newName: String,
                            context: Int = 3, maxEdits: Int = 2000) -> String {
        let a = lines(old), b = lines(new)
        let ops = edits(a, b, maxEdits: maxEdits)
        guard ops.contains(where: { $0.kind != .same }) else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        // Group into hunks: runs of changes with up to 2*context unchanged lines between them.
        var i = 0
        while i < ops.count {
            guard let firstChange = ops[i...].firstIndex(where: { $0.kind != .same }) else { break }
            var start = max(i, firstChange - context)
            if start < i { start = i }
            var end = firstChange
            var sameRun = 0
            var j = firstChange
            while j < ops.count {
                if ops[j].kind == .same {
                    sameRun += 1
                    if sameRun > 2 * context { break }
                } else {
                    sameRun = 0
                    end = j
                }
                j += 1
            }
            let stop = min(ops.count, end + context + 1)
            let hunk = ops[start..<stop]
            let oldStart = hunk.first?.oldLine ?? 0, newStart = hunk.first?.newLine ?? 0
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for op in hunk {
                switch op.kind {
                case .same: out += " " + op.text + "\n"
                case .delete: out += "-" + op.text + "\n"
                case .insert: out += "+" + op.text + "\n"
                }
            }
            i = stop
        }
        return out
    }

    static func range(_ start: Int, _ count: Int) -> String {
        // diff -u prints the line before an empty range, and omits a count of 1.
        let s = count == 0 ? start - 1 : start
        return count == 1 ? "\(s)" : "\(s),\(count)"
    }

    static func lines(_ s: String) -> [Substring] {
        var l = s.split(separator: "\n", omittingEmptySubsequences: false)
        if l.last == "" { l.removeLast() }
        return l
    }

    enum Kind { case same, delete, insert }
    struct Op {
        var kind: Kind
        var text: Substring
        /// 1-based line numbers in the old and new file where this op sits.
        var oldLine: Int
        var newLine: Int
    }

    static func edits(_ a: [Substring], _ b: [Substring], maxEdits: Int) -> [Op] {
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        let am = Array(a[head..<(a.count - tail)]), bm = Array(b[head..<(b.count - tail)])
        var ops: [Op] = []
        for k in 0..<head { ops.append(Op(kind: .same, text: a[k], oldLine: k + 1, newLine: k + 1)) }
        var middle = myers(am, bm, maxEdits: maxEdits) ?? (am.map { (Kind.delete, $0) } + bm.map { (Kind.insert, $0) })
        if middle.isEmpty { middle = [] }
        var oi = head + 1, ni = head + 1
        for (kind, text) in middle {
            ops.append(Op(kind: kind, text: text, oldLine: oi, newLine: ni))
            if kind != .insert { oi += 1 }
            if kind != .delete { ni += 1 }
        }
        for k in 0..<tail {
            ops.append(Op(kind: .same, text: a[a.count - tail + k], oldLine: oi + k, newLine: ni + k))
        }
        return ops
    }

    /// Shortest edit script, or nil when it needs more than `maxEdits` edits.
    static func myers(_ a: [Substring], _ b: [Substring], maxEdits: Int) -> [(Kind, Substring)]? {
        let n = a.count, m = b.count
        let maxD = min(n + m, maxEdits)
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        var trace: [[Int]] = []
        var found = false
        outer: for d in 0...maxD {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n, y >= m { found = true; break outer }
            }
        }
        guard found else { return nil }
        // Walk back through the snapshots.
        var script: [(Kind, Substring)] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let vd = trace[d]
            let k = x - y
            let prevK: Int
            if d == 0 {
                while x > 0, y > 0 { x -= 1; y -= 1; script.append((.same, a[x])) }
                break
            }
            if k == -d || (k != d && vd[offset + k - 1] < vd[offset + k + 1]) { prevK = k + 1 } else { prevK = k - 1 }
            let prevX = vd[offset + prevK], prevY = prevX - prevK
            while x > prevX, y > prevY { x -= 1; y -= 1; script.append((.same, a[x])) }
            if x == prevX { y -= 1; script.append((.insert, b[y])) } else { x -= 1; script.append((.delete, a[x])) }
        }
        return script.reversed()
    }
}
