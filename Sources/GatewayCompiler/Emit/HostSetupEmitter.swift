import ConfigModel

/// `host-setup.sh`: the host steps no configuration file can express, as a script the admin
/// reviews and runs as root after copying the tree (`build` prints it). Every step checks
/// before it changes anything, so running it twice changes nothing the second time:
/// clamd joins amavis's group (amavis unpacks mail into 0750 directories of that group, and a
/// scanner that cannot read them fails every scan), directories get the owners the packages
/// expect, the packet filter is loaded, and the services are enabled where an init system runs.
enum HostSetupEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile? {
        let p = ctx.paths
        var out = "#!/bin/sh\n" + ctx.banner()
        out += "# Host steps for this gateway. Review, then run as root; safe to run again.\n"
        out += "set -eu\n\n"
        out += "member() { id -Gn \"$1\" 2>/dev/null | tr ' ' '\\n' | grep -qx \"$2\"; }\n"
        out += "need_user() { id \"$1\" >/dev/null 2>&1 || { echo \"host-setup: user $1 is missing: install $2 first\" >&2; exit 1; }; }\n"
        out += "step() { echo \"host-setup: $*\"; }\n"

        if g.antivirus != nil, g.contentFilter != nil {
            out += "\n# clamd reads the files amavis unpacks only as a member of amavis's group.\n"
            out += "need_user \(p.clamavUser) \(g.identity.platform == .debian ? "clamav-daemon" : "security/clamav")\n"
            out += "need_user \(p.amavisUser) \(g.identity.platform == .debian ? "amavisd-new" : "security/amavisd-new")\n"
            let add = g.identity.platform == .debian
                ? "adduser --quiet \(p.clamavUser) \(p.amavisGroup)"
                : "pw groupmod \(p.amavisGroup) -m \(p.clamavUser)"
            out += "if ! member \(p.clamavUser) \(p.amavisGroup); then step '\(add)'; \(add); fi\n"
        }

        var dirs: [(path: String, owner: String, mode: String)] = []
        if g.antivirus != nil || g.signatures != nil {
            let db = try ClamdConfEmitter.databaseDirectory(g, p)
            for d in [db, p.clamavLogDir, p.clamavRunDir] { dirs.append((d, p.clamavUser + ":" + p.clamavUser, "0755")) }
        }
        if g.contentFilter != nil {
            let own = p.amavisUser + ":" + p.amavisGroup
            if g.identity.platform == .freebsd {
                for d in [p.amavisHome, p.amavisHome + "/tmp", p.amavisHome + "/db"] { dirs.append((d, own, "0750")) }
            }
            dirs.append((p.amavisQuarantine, own, "0750"))
        }
        if !dirs.isEmpty {
            out += "\n# Directories with the owners and modes the packages expect.\n"
            for d in dirs {
                let q = try ConfigText.shellWord(d.path, at: "antivirus.database-directory")
                let (user, group) = (d.owner.split(separator: ":")[0], d.owner.split(separator: ":")[1])
                out += "if [ \"$(stat -c '%U:%G %a' \(q) 2>/dev/null || stat -f '%Su:%Sg %Lp' \(q) 2>/dev/null)\" != '\(d.owner) \(d.mode.dropFirst())' ]; then "
                out += "step 'install -d \(q)'; install -d -o \(user) -g \(group) -m \(d.mode) \(q); fi\n"
            }
        }

        out += tableSupport(g)

        switch g.identity.platform {
        case .debian: out += debianTail(g, p)
        case .freebsd: out += freebsdTail(g, p)
        }
        out += "step done\n"
        return ctx.file(p.hostSetup, out, mode: 0o755)
    }

    /// Postfix must open the gateway's table type before it is restarted on the new files: on
    /// Debian lmdb and cdb are the packages postfix-lmdb and postfix-cdb (installed here); on
    /// FreeBSD they are options of the mail/postfix port (on in the package), so a Postfix
    /// without them is an error to fix by hand. `postconf -m` lists the types it opens.
    static func tableSupport(_ g: Gateway) -> String {
        let type = g.identity.effectiveTableType
        guard let need = TableType.requirement(type, platform: g.identity.platform) else { return "" }
        var out = "\n# The tables are \(type.rawValue) ([gateway] table-type): Postfix needs \(need).\n"
        out += "if ! postconf -m 2>/dev/null | grep -qx \(type.rawValue); then\n"
        switch g.identity.platform {
        case .debian:
            out += "    step 'apt-get install \(need)'\n"
            out += "    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \(need)\n"
        case .freebsd:
            out += "    echo 'host-setup: this Postfix cannot open \(type.rawValue) tables: install \(need)' >&2; exit 1\n"
        }
        out += "fi\n"
        return out
    }

    static func debianTail(_ g: Gateway, _ p: PlatformPaths) -> String {
        var out = ""
        if !PacketFilterEmitter.services(g).isEmpty {
            out += "\n# Packet filter: load it now and at boot (nftables.service reads /etc/nftables.conf).\n"
            out += "if command -v nft >/dev/null 2>&1; then\n"
            out += "    step 'nft -f \(p.packetFilter)'; nft -f \(p.packetFilter)\n"
            out += "    if [ -f /etc/nftables.conf ] && ! grep -qx 'include \"\(p.packetFilter)\"' /etc/nftables.conf; then\n"
            out += "        step 'include it from /etc/nftables.conf'; echo 'include \"\(p.packetFilter)\"' >> /etc/nftables.conf\n"
            out += "    fi\n"
            out += "else\n"
            out += "    echo 'host-setup: nft is missing (apt-get install nftables): the internal services answer every host' >&2\n"
            out += "fi\n"
        }
        var units = ["postfix"]
        if g.antivirus != nil { units.append("clamav-daemon") }
        if g.signatures != nil { units.append("clamav-freshclam") }
        if g.contentFilter != nil { units.append("amavis") }
        if g.greylisting != nil { units.append("postgrey") }
        if g.policydWeight != nil { units.append("policyd-weight") }
        if g.rspamd != nil { units.append("rspamd") }
        // nftables is enabled (it loads /etc/nftables.conf at boot) but not restarted: its
        // restart flushes every table, other software's included; nft -f above loaded ours.
        let enable = units + (PacketFilterEmitter.services(g).isEmpty ? [] : ["nftables"])
        out += "\n# Enable the services and restart them on the new files (only where systemd runs).\n"
        out += "if [ -d /run/systemd/system ]; then\n"
        out += "    step 'systemctl enable \(enable.joined(separator: " ")); restart \(units.joined(separator: " "))'\n"
        out += "    systemctl enable --quiet \(enable.joined(separator: " "))\n"
        out += "    systemctl restart \(units.joined(separator: " "))\n"
        out += "else\n"
        out += "    step 'no systemd here: start \(units.joined(separator: " ")) yourself'\n"
        out += "fi\n"
        return out
    }

    static func freebsdTail(_ g: Gateway, _ p: PlatformPaths) -> String {
        var out = ""
        out += "\n# The base system's sendmail, newaliases and mailq must reach the port's Postfix.\n"
        out += "conf=/usr/local/share/postfix/mailer.conf.postfix\n"
        out += "if [ -f \"$conf\" ] && ! cmp -s \"$conf\" /etc/mail/mailer.conf; then step 'install mailer.conf'; install -m 0644 \"$conf\" /etc/mail/mailer.conf; fi\n"
        if !PacketFilterEmitter.services(g).isEmpty {
            out += "\n# Packet filter: pf runs on the jail's host, not in the jail.\n"
            out += "if [ \"$(sysctl -n security.jail.jailed 2>/dev/null || echo 0)\" = 1 ]; then\n"
            out += "    step 'on the jail host, add anchor \"gatewayctl\" to /etc/pf.conf and run: pfctl -a gatewayctl -f \(p.packetFilter)'\n"
            out += "else\n"
            out += "    step 'pfctl -a gatewayctl -f \(p.packetFilter)'; pfctl -a gatewayctl -f \(p.packetFilter)\n"
            out += "fi\n"
        }
        var services = ["postfix"]
        if g.antivirus != nil { services.append("clamav_clamd") }
        if g.signatures != nil { services.append("clamav_freshclam") }
        if g.contentFilter != nil { services.append("amavisd") }
        if g.greylisting != nil { services.append("postgrey") }
        if g.policydWeight != nil { services.append("policyd_weight") }
        if g.rspamd != nil { services.append("rspamd") }
        out += "\n# rc.conf.local (emitted) enables the services; restart them on the new files.\n"
        out += "step 'service ... restart: \(services.joined(separator: " "))'\n"
        out += "for s in \(services.joined(separator: " ")); do service \"$s\" restart; done\n"
        return out
    }
}
