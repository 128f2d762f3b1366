import Diagnostics

/// One `name = value` entry of main.cf, with the spans of the name and of the value.
public struct MainCfEntry: Sendable {
    public var name: String
    public var value: String
    public var nameSpan: SourceSpan
    public var valueSpan: SourceSpan
    /// The logical line, so list items inside `value` can get their own spans.
    public var line: LogicalLine
    /// Where `value` starts inside `line.bytes`.
    var valueOffset: Int

    /// The span of `value[start..<end]` (byte offsets into `value`).
    public func valueSpan(_ start: Int, _ end: Int) -> SourceSpan {
        line.span(valueOffset + start, valueOffset + end)
    }
}

/// A parsed main.cf: every entry in file order, the effective one per name (last wins, as
/// Postfix does), and syntax findings.
public struct MainCf: Sendable {
    public var file: String
    public var entries: [MainCfEntry] = []
    /// The entry that wins per name (the last one).
    public var parameters: [String: MainCfEntry] = [:]
    /// The file as read (for inline suppressions, `# gatewayctl: disable=...`).
    public var bytes: [UInt8]
    public var diagnostics: [Diagnostic] = []

    public init(file: String, text: String) {
        self.init(file: file, bytes: Array(text.utf8))
    }

    public init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
        let (lines, found) = LogicalLines.readReporting(bytes, file: file)
        diagnostics += found
        for line in lines { parse(line) }
    }

    private mutating func parse(_ line: LogicalLine) {
        let b = line.bytes
        var i = 0
        while i < b.count, !b[i].isPostfixSpace, b[i] != 0x3d { i += 1 }
        let nameEnd = i
        while i < b.count, b[i].isPostfixSpace { i += 1 }
        guard nameEnd > 0, i < b.count, b[i] == 0x3d else {
            diagnostics.append(PostfixSyntaxFinding.syntax.diagnostic(
                "expected `name = value`", at: line.span(0, max(1, nameEnd)),
                fix: "write the parameter as `name = value`, or comment the line out with `#`"))
            return
        }
        let name = String(decoding: b[0..<nameEnd], as: UTF8.self)
        i += 1
        while i < b.count, b[i].isPostfixSpace { i += 1 }
        var end = b.count
        while end > i, b[end - 1].isPostfixSpace { end -= 1 }
        let entry = MainCfEntry(name: name, value: String(decoding: b[i..<end], as: UTF8.self),
                                nameSpan: line.span(0, nameEnd), valueSpan: line.span(i, end),
                                line: line, valueOffset: i)
        if let previous = parameters[name] {
            diagnostics.append(PostfixSyntaxFinding.duplicateParameter.diagnostic(
                "`\(name)` is set again; Postfix uses this last value and ignores line \(previous.nameSpan.line)",
                at: entry.nameSpan,
                notes: [.init("earlier value `\(previous.value)` is ignored", at: previous.nameSpan)],
                fix: "delete one of the two `\(name)` lines"))
        }
        entries.append(entry)
        parameters[name] = entry
    }
}

extension MainCf {
    /// The release named by a `# gatewayctl: postfix-version=X.Y` comment line, if any.
    public var declaredVersion: PostfixVersion? {
        for line in bytes.split(separator: 0x0a) {
            let t = String(decoding: line, as: UTF8.self).trimmingPostfixSpace()
            guard t.hasPrefix("#") else { continue }
            let body = t.dropFirst().trimmingPrefixSpace()
            guard body.hasPrefix("gatewayctl:") else { continue }
            let rest = body.dropFirst("gatewayctl:".count).trimmingPrefixSpace()
            if rest.hasPrefix("postfix-version=") {
                return PostfixVersion(rest.dropFirst("postfix-version=".count).prefix { $0 != " " && $0 != "\t" })
            }
        }
        return nil
    }
}

extension MainCf {
    /// The release this main.cf is written for when no option says it: the declared one, else
    /// at least its `compatibility_level` when that is above 3.7 (a level names the release
    /// that introduced it, so `compatibility_level = 3.10` runs on 3.10 or later); nil: unknown.
    public var impliedVersion: PostfixVersion? {
        if let declared = declaredVersion { return declared }
        guard let level = parameters["compatibility_level"].flatMap({ PostfixVersion($0.value) }),
              PostfixVersion(3, 7) < level else { return nil }
        return level
    }
}

extension StringProtocol {
    func trimmingPrefixSpace() -> SubSequence { drop { $0 == " " || $0 == "\t" } }
}
