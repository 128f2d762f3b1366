import ConfigModel

/// `freshclam.conf`: signature updates into clamd's database directory, then `NotifyClamd`
/// with the path of the clamd.conf this build emits. Obsolete options are left out.
enum FreshclamConfEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        guard let sig = g.signatures else { return nil }
        let p = ctx.paths
        var out = ctx.banner()
        out += "DatabaseDirectory \(try ClamdConfEmitter.databaseDirectory(g, p))\n"
        out += "UpdateLogFile \(p.clamavLogDir)/freshclam.log\n"
        out += "LogFileMaxSize 2M\n"
        out += "LogTime yes\n"
        out += "LogVerbose no\n"
        out += "LogSyslog yes\n"
        out += "PidFile \(p.clamavRunDir)/freshclam.pid\n"
        out += "DatabaseOwner clamav\n"
        let mirrors = sig.mirrors.isEmpty ? ["database.clamav.net"] : sig.mirrors.map(\.value)
        for m in mirrors { out += "DatabaseMirror \(m)\n" }
        out += "MaxAttempts 5\n"
        out += "Checks \(sig.checksPerDay)\n"
        if sig.notifyClamd && g.antivirus != nil { out += "NotifyClamd \(p.clamdConf)\n" }
        return ctx.file(p.freshclamConf, out)
    }
}
