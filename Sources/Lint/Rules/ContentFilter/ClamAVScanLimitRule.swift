import Diagnostics
import PostfixConfig
import ConfigModel

/// GW5013: clamd size limits below Postfix's message_size_limit.
struct ClamAVScanLimitRule: PostfixRule {
    init() {}
    static let description = RuleDescription(
        id: "GW5013", name: "clamd-limit-below-message-size", severity: .warning,
        summary: "a clamd size limit is smaller than Postfix's `message_size_limit`",
        rationale: """
        Postfix accepts messages up to `message_size_limit` (default 10240000 bytes). clamd \
        stops reading a stream at `StreamMaxLength` and skips data beyond `MaxFileSize` and \
        `MaxScanSize`; a larger message passes unscanned (or, with amavis, is tempfailed as \
        a scan error). Each limit should be at least the largest message Postfix accepts.
        """,
        triggering: [
            .postfix(mainCf: "message_size_limit = 52428800\n", [("clamd.conf", "↓StreamMaxLength 25M\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "message_size_limit = 10240000\n", [("clamd.conf", "StreamMaxLength 10M\n")]),
        ])

    static let defaults = ["StreamMaxLength": 104_857_600, "MaxFileSize": 104_857_600, "MaxScanSize": 419_430_400]

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard config.hasMainCf, let clamd = config.clamConf("clamd.conf") else { return [] }
        let scope = config.parameters(for: nil)
        guard let limit = Int(scope.value("message_size_limit")), limit > 0 else { return [] }
        var out: [Diagnostic] = []
        for name in ["StreamMaxLength", "MaxFileSize", "MaxScanSize"] {
            guard let o = clamd.option(name), let size = ByteSize(o.value) else { continue }
            // 0 means unlimited for these options.
            guard size.bytes > 0, size.bytes < limit else { continue }
            out.append(Self.diagnostic(
                "`\(name) \(o.value)` (\(size.bytes) bytes) is below Postfix's `message_size_limit` (\(limit) bytes): larger mail is not scanned",
                at: o.nameSpan, notes: [.init("`message_size_limit`", at: scope.origin("message_size_limit")?.valueSpan)],
                fix: "set `\(name)` to at least \(ByteSize(bytes: ((limit + (1 << 20) - 1) >> 20) << 20))"))
        }
        return out
    }
}
