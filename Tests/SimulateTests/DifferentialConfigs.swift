import ConfigModel
import GatewayCompiler
import Foundation
import TestSupport

/// The configurations the differential test runs Postfix and the simulator on.
///
/// In `DifferentialTests` the DNS-dependent restrictions (reject_unknown_sender_domain,
/// reject_unknown_recipient_domain, reject_rbl_client) are removed from the emitted seed
/// main.cf before Postfix and the simulator see it: they are compared in
/// `DNSDifferentialTests`, where Postfix runs in a network namespace with its own DNS server.
/// policyd-weight (a DNS-based score) is left out of both. postgrey runs for real.
struct DifferentialConfig {
    var name: String
    var mainCF: String
    var masterCF: String
    /// Files in the config dir (name -> content); `hashMaps` are built with postmap.
    var files: [String: String]
    var hashMaps: [String]
    /// A path the config uses for its config dir, rewritten to the instance's.
    var alias: String?
    /// Domains the matrix mails: local/relay ones first.
    var ownDomain: String
}

enum DifferentialConfigs {
    static let postgreyPlaceholder = "inet:127.0.0.1:POSTGREY_PORT"

    /// The seed gateway emitted for `platform`/`version`, DNS checks and policyd-weight removed,
    /// postgrey pointed at the placeholder.
    /// `keepDNS`: keep the DNS checks (for a run with a DNS server); postgrey is then removed too.
    static func seed(platform: String, version: String, keepDNS: Bool = false) throws -> DifferentialConfig {
        let path = TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf").path
        let loaded = GatewayLoader.load(path: path, overrides: ["gateway.platform=\(platform)", "gateway.postfix=\(version)"])
        guard let document = loaded.document else { throw DaemonError("seed did not parse: \(loaded.diagnostics)") }
        let tree = try GatewayEmitter.emit(document.gateway)
        guard let main = tree.files.first(where: { $0.path.hasSuffix("postfix/main.cf") }),
              let master = tree.files.first(where: { $0.path.hasSuffix("postfix/master.cf") }) else {
            throw DaemonError("no main.cf/master.cf emitted")
        }
        let configDir = "/" + (main.path as NSString).deletingLastPathComponent
        let removed = keepDNS ? ["inet:192.168.40.3:12525", "inet:192.168.40.3:10023"]
            : ["inet:192.168.40.3:12525", "reject_unknown_sender_domain", "reject_unknown_recipient_domain",
               "reject_rbl_client"]
        let mainCF = main.contents.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !removed.contains { line.contains($0) } }
            .joined(separator: "\n")
            .replacingOccurrences(of: "inet:192.168.40.3:10023", with: postgreyPlaceholder)
        var files: [String: String] = [:]
        var hashMaps: [String] = []
        for map in tree.maps {
            let name = (map.path as NSString).lastPathComponent
            files[name] = map.contents
            if map.map?.kind == .hash { hashMaps.append(name) }
        }
        return DifferentialConfig(name: "seed-\(platform)-\(version)", mainCF: mainCF, masterCF: master.contents,
                                  files: files, hashMaps: hashMaps, alias: configDir, ownDomain: "example.com")
    }

    /// A 3.7 gateway written by hand: every list used, a restriction class, pcre HELO table,
    /// warn_if_reject, DEFER_IF_PERMIT, recipient access, relay list before recipient list.
    static let modern = DifferentialConfig(
        name: "hand-modern-3.7",
        mainCF: """
            compatibility_level = 3.6
            myhostname = mx.test.example
            mydomain = test.example
            mydestination = $myhostname, localhost
            local_recipient_maps =
            alias_maps =
            relay_domains = example.com, .sub.example.com
            relay_recipient_maps = hash:$config_directory/relay_recipients
            mynetworks = 192.0.2.0/28
            smtpd_helo_required = yes
            smtpd_restriction_classes = trusted_senders
            trusted_senders = check_sender_access hash:$config_directory/trusted, reject
            smtpd_client_restrictions = check_client_access hash:$config_directory/clients
            smtpd_helo_restrictions = permit_mynetworks, reject_invalid_helo_hostname,
                check_helo_access pcre:$config_directory/helo.pcre
            smtpd_sender_restrictions = reject_non_fqdn_sender, check_sender_access hash:$config_directory/senders
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            smtpd_recipient_restrictions = reject_non_fqdn_recipient,
                check_recipient_access hash:$config_directory/recipients,
                warn_if_reject reject_multi_recipient_bounce,
                check_policy_service \(postgreyPlaceholder)

            """,
        masterCF: PostfixInstance.baseMasterCF,
        files: [
            "relay_recipients": "usuario1@example.com OK\nusuario2@example.com OK\nblocked@example.com OK\nsales@example.com OK\n@sub.example.com OK\n",
            "trusted": "boss@trusted.example.net OK\n",
            "clients": "198.51.100 REJECT\nblocked.example.net REJECT Go away\n203.0.113.200 DUNNO\ngoodclient.example.net OK\n10.1 554 Not from here\n",
            "helo.pcre": "/^\\[?203\\.0\\.113\\.25\\]?$/ REJECT You are not me\n/^localhost$/ 450 4.7.1 Try a real name\n/\\.invalid$/ DEFER_IF_PERMIT helo looks fake\n",
            "senders": "example.com 554 No usar mi dominio en tu remitente\nspammer@example.org REJECT\nexample.org DUNNO\nfriend.example.net OK\ntrusted.example.net trusted_senders\n",
            "recipients": "blocked@example.com REJECT mailbox closed\nsales@example.com DEFER_IF_PERMIT busy\n",
        ],
        hashMaps: ["relay_recipients", "trusted", "clients", "senders", "recipients"],
        alias: nil, ownDomain: "example.com")

    /// A 2.x-style config run at compatibility level 0: one big smtpd_recipient_restrictions
    /// with a HELO map that says OK before the relay guard (the classic HELO open relay),
    /// relay_domains defaulting to $mydestination, append_dot_mydomain on.
    static let legacy = DifferentialConfig(
        name: "hand-legacy-level0",
        mainCF: """
            compatibility_level = 0
            myhostname = legacy.test.example
            mydomain = test.example
            mydestination = $myhostname, localhost.$mydomain, localhost, example.com
            local_recipient_maps =
            alias_maps =
            mynetworks = 192.0.2.25/32
            smtpd_recipient_restrictions = permit_mynetworks,
                check_helo_access hash:$config_directory/helo_ok,
                reject_non_fqdn_recipient, reject_unauth_destination,
                check_client_access hash:$config_directory/clients,
                check_sender_access hash:$config_directory/senders,
                reject_multi_recipient_bounce, permit

            """,
        masterCF: PostfixInstance.baseMasterCF,
        files: [
            "helo_ok": "trusted.example.net OK\nmx.example.net DUNNO\n",
            "clients": "hotmail.com REJECT\n203.0.113 DUNNO\n198.51.100.7 REJECT Listed here\n",
            "senders": "example.com 554 No usar mi dominio en tu remitente\n<> DUNNO\nspammer@example.org 450 4.7.1 Come back later\n",
        ],
        hashMaps: ["helo_ok", "clients", "senders"],
        alias: nil, ownDomain: "example.com")

    /// smtpd_delay_reject = no: client, HELO and sender lists decide at their own command
    /// (a rejected client gets its reply to every command; a rejected HELO leaves none).
    static let noDelay = DifferentialConfig(
        name: "hand-no-delay-reject",
        mainCF: """
            compatibility_level = 3.6
            myhostname = nodelay.test.example
            mydomain = test.example
            mydestination =
            local_recipient_maps =
            alias_maps =
            relay_domains = example.com
            relay_recipient_maps = hash:$config_directory/relay_recipients
            mynetworks = 192.0.2.25/32
            smtpd_delay_reject = no
            smtpd_client_restrictions = check_client_access hash:$config_directory/clients
            smtpd_helo_restrictions = reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname
            smtpd_sender_restrictions = reject_non_fqdn_sender, check_sender_access hash:$config_directory/senders
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            smtpd_recipient_restrictions = reject_multi_recipient_bounce

            """,
        masterCF: PostfixInstance.baseMasterCF,
        files: [
            "relay_recipients": "usuario1@example.com OK\nusuario2@example.com OK\n",
            "clients": "hotmail.com REJECT\n10.1 554 Not from here\n",
            "senders": "example.com 554 No usar mi dominio en tu remitente\nspammer@example.org REJECT\n",
        ],
        hashMaps: ["relay_recipients", "clients", "senders"],
        alias: nil, ownDomain: "example.com")
}
