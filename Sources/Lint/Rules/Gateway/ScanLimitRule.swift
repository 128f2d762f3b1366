import Diagnostics
import ConfigModel

/// GW5101: clamd must be allowed to read every message Postfix accepts.
struct ScanLimitRule: GatewayRule {
    init() {}

    static let description = RuleDescription(
        id: "GW5101", name: "scan-limit-below-message-size", severity: .warning,
        summary: "a clamd size limit is smaller than `message-size-limit`",
        rationale: """
        Postfix accepts messages up to `message_size_limit`; clamd stops reading a stream at \
        `StreamMaxLength` and skips files over `MaxFileSize`/`MaxScanSize`. Anything between the two \
        limits is passed unscanned or, with amavisd-new, tempfailed as a scanner error, so large \
        mail never arrives.
        """,
        triggering: [
            GatewayExample.config(gateway: "message-size-limit = 20M\n",
                                  "[antivirus]\nstream-max-length = ↓10M\n[content-filter]\nlisten = 192.168.40.3:10024\nreinject = 192.168.40.3:10025\n"),
        ],
        nonTriggering: [
            GatewayExample.config(gateway: "message-size-limit = 10240000\n",
                                  "[antivirus]\nstream-max-length = 10M\n[content-filter]\nlisten = 192.168.40.3:10024\nreinject = 192.168.40.3:10025\n"),
        ])

    func check(_ document: GatewayDocument) -> [Diagnostic] {
        guard let av = document.gateway.antivirus else { return [] }
        let limit = document.gateway.identity.messageSizeLimit
        let sizes: [(String, String, ByteSize?)] = [
            ("stream-max-length", "StreamMaxLength", av.streamMaxLength),
            ("max-file-size", "MaxFileSize", av.maxFileSize),
            ("max-scan-size", "MaxScanSize", av.maxScanSize),
        ]
        return sizes.compactMap { key, option, size in
            guard let size, size < limit else { return nil }
            return Self.diagnostic(
                "`\(key)` (\(option)) is \(size.bytes) bytes, below `message-size-limit` of \(limit.bytes) bytes",
                at: document.span("antivirus.\(key)"),
                notes: [.init("message size limit set here", at: document.spans["gateway.message-size-limit"])],
                fix: "set `\(key) = \(ByteSize(bytes: ((limit.bytes + (1 << 20) - 1) >> 20) << 20))` or more")
        }
    }
}
