import Diagnostics
import PostfixConfig

/// Big tables make many findings of one kind (a 500,000-line access map can give 200,000 of
/// the same rule): beyond `limit` per table and rule they fold into one finding with the count
/// and the first few as notes, so CI output stays readable.
public enum FindingAggregation {
    public static let limit = 10
    public static let examples = 3

    /// The table a finding is about: its own file when that is not main.cf/master.cf, else
    /// the file of a note inside a table (open-relay findings sit on main.cf and point into
    /// the map).
    static func table(of d: Diagnostic, config: PostfixConfigSet) -> String? {
        let own: Set<String> = [config.mainCf.file, config.masterCf?.file ?? ""]
        if !own.contains(d.span.file) { return d.span.file }
        return d.notes.lazy.compactMap { $0.span?.file }.first { !own.contains($0) }
    }

    public static func aggregate(_ diagnostics: [Diagnostic], config: PostfixConfigSet) -> [Diagnostic] {
        var groups: [String: [Int]] = [:]
        for (k, d) in diagnostics.enumerated() {
            guard let t = table(of: d, config: config) else { continue }
            groups[d.id + "\u{0}" + t, default: []].append(k)
        }
        guard groups.values.contains(where: { $0.count > limit }) else { return diagnostics }
        var drop = Set<Int>()
        var out: [Diagnostic] = []
        for (key, members) in groups where members.count > limit {
            let table = String(key.split(separator: "\u{0}", maxSplits: 1).last ?? "")
            // The rule's own order (table order for map findings), not text order.
            let ds = members.map { diagnostics[$0] }
            var first = ds[0]
            let worst = ds.map(\.severity).max() ?? first.severity
            first.message = "\(ds.count) findings of this rule for `\(table)`; the first: \(first.message)"
            first.severity = worst
            // Each example located where it is in the table when a note points there.
            first.notes += ds.dropFirst().prefix(examples - 1).map { d in
                .init(d.message, at: d.notes.first { $0.span?.file == table }?.span ?? d.span)
            }
            first.notes.append(.init("\(ds.count - examples) more like these are not shown"))
            out.append(first)
            drop.formUnion(members)
        }
        for (k, d) in diagnostics.enumerated() where !drop.contains(k) { out.append(d) }
        return out
    }
}
