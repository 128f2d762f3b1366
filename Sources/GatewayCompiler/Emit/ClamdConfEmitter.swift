import ConfigModel

/// `clamd.conf`: the tutorial's clamd settings for today's ClamAV (1.4 on Debian 12): no
/// deprecated option (`AllowSupplementaryGroups` is always on since 0.101), the database
/// directory freshclam.conf shares, and a stream limit no smaller than message_size_limit.
/// clamd listens on its local socket (the platform's, where the packaged units expect it); TCP
/// only when `[antivirus] remote-clients` names hosts that scan remotely, because clamd's
/// protocol has no authentication (any host that reaches the port can SHUTDOWN it).
enum ClamdConfEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard let av = g.antivirus else { return nil }
        guard av.streamMaxLength >= g.identity.messageSizeLimit else {
            throw EmitError("`stream-max-length` (\(av.streamMaxLength)) is smaller than message_size_limit "
                            + "(\(g.identity.messageSizeLimit.bytes) bytes): large mail would pass unscanned",
                            at: "antivirus.stream-max-length",
                            fix: "set `stream-max-length = \((g.identity.messageSizeLimit.bytes + (1 << 20) - 1) >> 20)M` or more")
        }
        let p = ctx.paths
        var out = ctx.banner()
        out += "LogFile \(p.clamavLogDir)/\(p.clamdLogName)\n"
        out += "LogFileMaxSize 2M\n"
        out += "LogTime yes\n"
        out += "LogSyslog yes\n"
        out += "LogVerbose no\n"
        out += "ExtendedDetectionInfo yes\n"
        out += "PidFile \(p.clamavRunDir)/clamd.pid\n"
        out += "DatabaseDirectory \(try databaseDirectory(g, p))\n"
        out += "LocalSocket \(try socket(g, p))\n"
        out += "# amavis (another user) connects to the socket.\n"
        out += "LocalSocketMode 666\n"
        out += "FixStaleSocket yes\n"
        if !av.remoteClients.isEmpty, let ip = av.listen ?? g.identity.listenIP {
            out += "TCPAddr \(ip)\n"
            out += "TCPSocket \(av.port)\n"
        }
        out += "StreamMaxLength \(av.streamMaxLength)\n"
        if let s = av.maxFileSize { out += "MaxFileSize \(s)\n" }
        if let s = av.maxScanSize { out += "MaxScanSize \(s)\n" }
        out += "MaxDirectoryRecursion 20\n"
        out += "User \(p.clamavUser)\n"
        out += "ScanMail yes\n"
        return ctx.file(p.clamdConf, out)
    }

    /// clamd's local socket, for clamd.conf and amavis: the model's, or the platform's.
    static func socket(_ g: Gateway, _ p: PlatformPaths) throws(EmitError) -> String {
        guard let s = g.antivirus?.socket else { return p.clamdSocket }
        return try ConfigText.token(s, at: "antivirus.socket")
    }

    /// One directory for clamd and freshclam: the model's, or the platform's.
    static func databaseDirectory(_ g: Gateway, _ p: PlatformPaths) throws(EmitError) -> String {
        guard let d = g.antivirus?.databaseDirectory else { return p.clamavDatabase }
        guard d.hasPrefix("/") else {
            throw EmitError("`database-directory` must be an absolute path", at: "antivirus.database-directory")
        }
        return try ConfigText.token(d, at: "antivirus.database-directory")
    }
}
