import ConfigModel

/// Turns a `Gateway` into every file the tutorial writes by hand, in memory.
///
/// ```swift
/// let tree = try GatewayEmitter.emit(gateway)            // throws EmitError
/// tree.file("etc/postfix/main.cf")?.contents              // Debian; FreeBSD: usr/local/etc/postfix/main.cf
/// tree.maps                                               // sources with `map` = hash:/... or pcre:/...
/// tree.restrictions.recipient                             // the compiled smtpd lists (with reasons)
/// ```
/// Paths in the tree are relative to the target system's root and follow the platform
/// (`PlatformPaths`). Output is deterministic: the same model gives byte-identical text.
/// Lookup tables are sources only; `gatewayctl build` compiles each indexed source in the
/// gateway's table type (`FILE.db` for hash, `FILE.lmdb`, `FILE.cdb`).
/// Files emitted: main.cf, master.cf, relay_recipients, transport, virtual_alias_maps,
/// access_clients, sender_access, helo_checks (pcre), clamd.conf, freshclam.conf,
/// amavisd.conf (FreeBSD) or conf.d/50-user (Debian), SpamAssassin local.cf,
/// /etc/default/postgrey (Debian), policyd-weight.conf, rc.conf.local (FreeBSD), the packet
/// filter (nftables on Debian, a pf anchor on FreeBSD), host-setup.sh and, with `engine =
/// rspamd`, rspamd's local.d/override.d files instead of amavis/SpamAssassin/postgrey — each only when the
/// model uses it.
enum GatewayEmitter {
    /// Paths in the model are used as they are: the parser resolved `[recipients] file`
    /// against gateway.conf's directory (resolving again broke relative config paths).
    public static func emit(_ gateway: Gateway) throws(EmitError) -> EmittedTree {
        let id = gateway.identity
        // The parser and the DSL refuse these already; a model built field by field is checked here.
        if let t = id.tableType, let why = TableType.problem(t, platform: id.platform, postfix: id.postfix) {
            throw EmitError(why, at: "gateway.table-type")
        }
        let paths = PlatformPaths.forPlatform(gateway.identity.platform)
        let ctx = EmitContext(paths: paths, tableType: gateway.identity.effectiveTableType)
        let plan = try RestrictionCompiler.compile(gateway, paths: paths)
        var files: [EmittedFile?] = [
            try MainCfEmitter.emit(gateway, plan, ctx),
            try MasterCfEmitter.emit(gateway, ctx),
            try RelayRecipientsEmitter.emit(gateway, ctx),
            try TransportEmitter.emit(gateway, ctx),
            try VirtualAliasEmitter.emit(gateway, ctx),
            try ClientAccessEmitter.emit(gateway, ctx),
            try SenderAccessEmitter.emit(gateway, ctx),
            try HeloChecksEmitter.emit(gateway, ctx),
        ]
        files += [
            try ClamdConfEmitter.emit(gateway, ctx),
            try FreshclamConfEmitter.emit(gateway, ctx),
            try AmavisConfEmitter.emit(gateway, ctx),
            try SpamAssassinLocalCfEmitter.emit(gateway, ctx),
            try PostgreyEmitter.emit(gateway, ctx),
            try PolicydWeightConfEmitter.emit(gateway, ctx),
            try RcConfEmitter.emit(gateway, ctx),
            try PacketFilterEmitter.emit(gateway, ctx),
            try HostSetupEmitter.emit(gateway, ctx),
        ]
        files += try PostscreenEmitter.files(gateway, ctx) + TLSEmitter.files(gateway, ctx)
        files += try RspamdEmitter.emit(gateway, ctx)
        var tree = EmittedTree(platform: gateway.identity.platform, files: files.compactMap { $0 },
                               restrictions: plan, paths: paths)
        tree.smtputf8 = SMTPUTF8.enabled(gateway.identity.postfix)
        return tree
    }
}
