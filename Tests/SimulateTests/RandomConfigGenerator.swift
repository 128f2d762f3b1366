import ConfigModel
import PostfixConfig
import Simulate
import Lint
import Foundation
import TestSupport

/// A seeded generator of realistic Postfix configurations and of the transactions that probe
/// them, for the randomised differential (`RandomDifferentialTests`). Weighted by what admins
/// write: Debian's default, tutorial gateways with HELO/sender/recipient checks, hosting
/// panels (SASL, submission-style lists), restriction classes keyed from access tables, and
/// hash/pcre/cidr tables, some with permits before the relay guard (the open-relay cases).
struct RandomConfigGenerator {
    /// SplitMix64: the same seed gives the same configurations on every machine.
    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
        /// Picks by weight: `[(weight, value)]`.
        mutating func weighted<T>(_ xs: [(Int, T)]) -> T {
            var r = int(xs.reduce(0) { $0 + $1.0 })
            for (w, v) in xs { if r < w { return v }; r -= w }
            return xs[xs.count - 1].1
        }
        mutating func some<T>(_ xs: [T], max: Int) -> [T] {
            var pool = xs, out: [T] = []
            for _ in 0..<int(max + 1) where !pool.isEmpty { out.append(pool.remove(at: int(pool.count))) }
            return out
        }
    }

    static let hostname = "mx.gw.example"
    static let relayDomain = "relay.example"
    static let foreign = "remote.example.net"

    /// The DNS every run serves (dnsmasq in the namespace) and the simulator reads.
    static let dnsFixture = """
        remote.example.net   MX  mail.remote.example.net
        mail.remote.example.net A 192.0.2.70
        example.com          A   192.0.2.71
        partner.example.org  A   192.0.2.72
        host.partner.example.org A 192.0.2.73
        mx.gw.example        A   192.0.2.74
        relay.example        MX  mx.gw.example
        probe.attacker.example A 198.51.100.7
        attacker.example     A   198.51.100.8
        mail.partner.example A   203.0.113.5
        zen.example          LISTED 198.51.100.66 127.0.0.2
        """

    var rng: RNG

    init(seed: UInt64) { rng = RNG(state: seed) }

    struct Generated {
        var config: DifferentialConfig
        var transactions: [Transaction]
        /// HELO, sender and recipient values an outsider tries for the open-relay verdict.
        var attackHelos: [String?]
        var attackSenders: [String]
        var attackRecipients: [String]
        var usesDiscard: Bool
    }

    // MARK: - Pools

    static let heloKeys = ["partner.example.org", ".partner.example.org", "localhost", hostname, "192.0.2.1", "[192.0.2.1]",
                           "example.com", "attacker.example"]
    static let senderKeys = ["boss@example.com", "example.com", ".example.com", "<>", "postmaster@", "spammer.example",
                             "abuse@", "friend@partner.example.org", "gw.example", "user@\(hostname)"]
    /// Listed foreign destinations are under partner.example: relaying to them only is trust,
    /// not an open relay, and the outsider's own target domain (`foreign`) is never a key.
    static let recipientKeys = ["abuse@", "postmaster@", "postmaster@\(hostname)", "alice@\(relayDomain)", relayDomain,
                                "partner.example", "bob@partner.example", "sales@"]
    /// The outsider is 198.51.100.7: listed networks are elsewhere, except `unknown` and the world.
    static let clientKeys = ["203.0.113.5", "203.0.113", "unknown", "198.18.0", "mail.partner.example", "partner.example"]
    static let cidrKeys = ["203.0.113.0/24", "198.18.0.0/15", "192.0.2.0/28", "0.0.0.0/0", "198.51.100.66"]
    static let heloPatterns = ["/^partner\\./", "/^localhost$/", "/\\.example\\.com$/", "/^\\[?192\\.0\\.2\\.1\\]?$/", "/^[^.]+$/",
                               "/attacker/"]
    static let senderPatterns = ["/^postmaster@/", "/@example\\.com$/", "/^boss@/", "/^$/", "/spammer/"]
    static let recipientPatterns = ["/^postmaster@/", "/^abuse@/", "/@relay\\.example$/", "/^sales@/"]

    mutating func value(classes: [String], guardOK: Bool) -> String {
        var options: [(Int, String)] = [
            (10, "OK"), (4, "RELAY"), (4, "DISCARD"), (8, "DUNNO"), (10, "REJECT"), (6, "REJECT Not welcome here"),
            (5, "550 5.7.1 No thanks"), (4, "450 4.7.1 Try later"), (2, "554"), (3, "DEFER_IF_PERMIT Wait a bit"),
            (2, "WARN odd entry"), (2, "PREPEND X-Checked: yes"), (3, "permit_mynetworks, reject"),
            (2, "reject_unauth_destination"), (2, "DEFER_IF_REJECT maybe later"), (1, "HOLD"),
        ]
        if !guardOK { options.removeAll { $0.1 == "OK" || $0.1 == "RELAY" } }
        for c in classes { options.append((6, c)) }
        return rng.weighted(options)
    }

    /// One to four entries over `keys`.
    mutating func table(_ keys: [String], classes: [String], guardOK: Bool = true) -> String {
        var pool = keys, lines: [String] = []
        for _ in 0..<(1 + rng.int(4)) where !pool.isEmpty {
            lines.append("\(pool.remove(at: rng.int(pool.count))) \(value(classes: classes, guardOK: guardOK))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - One configuration

    mutating func generate(index: Int) -> Generated {
        var files: [String: String] = [:]
        var hash: [String] = []
        var main: [String] = []
        let style = rng.weighted([(3, "debian"), (5, "tutorial"), (2, "hosting"), (3, "classes"), (3, "risky")])
        let level = rng.weighted([(7, "3.6"), (2, "2"), (1, "")])
        if !level.isEmpty { main.append("compatibility_level = \(level)") }
        main.append("myhostname = \(Self.hostname)")
        if rng.chance(0.5) { main.append("mydomain = gw.example") }
        main.append("mydestination = " + rng.weighted([(4, "$myhostname, localhost.$mydomain, localhost"),
                                                       (3, "$myhostname, localhost"), (1, "$myhostname, $mydomain")]))
        main.append("alias_maps =")
        main.append("alias_database =")
        main.append("biff = no")
        if rng.chance(0.6) {
            main.append("local_recipient_maps =")
        } else {
            files["local_users"] = "postmaster x\nuser x\nabuse x\n"
            hash.append("local_users")
            main.append("local_recipient_maps = hash:$config_directory/local_users")
        }
        let relay = rng.weighted([(5, Self.relayDomain), (2, ""), (1, "hash:$config_directory/relay_domains")])
        if relay.hasPrefix("hash:") {
            files["relay_domains"] = "\(Self.relayDomain) x\n"
            hash.append("relay_domains")
        }
        main.append("relay_domains = \(relay)")
        if !relay.isEmpty, rng.chance(0.6) {
            files["relay_recipients"] = "alice@\(Self.relayDomain) x\nbob@\(Self.relayDomain) x\npostmaster@\(Self.relayDomain) x\n"
            hash.append("relay_recipients")
            main.append("relay_recipient_maps = hash:$config_directory/relay_recipients")
        }
        let nets = rng.weighted([(4, "127.0.0.0/8 [::1]/128"), (3, "127.0.0.0/8 192.0.2.0/28"),
                                 (2, "cidr:$config_directory/mynetworks.cidr")])
        if nets.hasPrefix("cidr:") { files["mynetworks.cidr"] = "127.0.0.0/8 x\n192.0.2.0/28 x\n" }
        main.append("mynetworks = \(nets)")
        if rng.chance(0.3) { main.append("smtpd_helo_required = yes") }
        if rng.chance(0.12) { main.append("smtpd_delay_reject = no") }
        if rng.chance(0.1) { main.append("allow_percent_hack = no") }
        if rng.chance(0.1) { main.append("swap_bangpath = no") }
        if rng.chance(0.1) { main.append("append_dot_mydomain = yes") }

        var classes: [String] = []
        if style == "classes" || rng.chance(0.15) {
            classes = rng.some(["strict", "permissive", "greylist_like", "own_guard"], max: 3)
            if classes.isEmpty { classes = ["strict"] }
            main.append("smtpd_restriction_classes = " + classes.joined(separator: ", "))
            for c in classes {
                switch c {
                case "strict": main.append("strict = reject_unlisted_recipient, reject_non_fqdn_sender, reject")
                case "permissive": main.append("permissive = permit")
                case "greylist_like": main.append("greylist_like = defer_if_permit")
                default: main.append("own_guard = reject_unauth_destination, permit")
                }
            }
        }
        var helo: [String] = [], sender: [String] = [], client: [String] = [], recipient: [String] = []
        var relayList: [String]? = nil
        func heloTable() -> String {
            if rng.chance(0.4) {
                files["helo.pcre"] = ([rng.pick(Self.heloPatterns)] + rng.some(Self.heloPatterns, max: 2)).map { "\($0) \(value(classes: classes, guardOK: true))" }
                    .joined(separator: "\n") + "\n"
                return "check_helo_access pcre:$config_directory/helo.pcre"
            }
            files["helo_access"] = table(Self.heloKeys, classes: classes)
            hash.append("helo_access")
            return "check_helo_access hash:$config_directory/helo_access"
        }
        func senderTable() -> String {
            if rng.chance(0.3) {
                files["sender.pcre"] = ([rng.pick(Self.senderPatterns)] + rng.some(Self.senderPatterns, max: 2)).map { "\($0) \(value(classes: classes, guardOK: true))" }
                    .joined(separator: "\n") + "\n"
                return "check_sender_access pcre:$config_directory/sender.pcre"
            }
            files["sender_access"] = table(Self.senderKeys, classes: classes)
            hash.append("sender_access")
            return "check_sender_access hash:$config_directory/sender_access"
        }
        func recipientTable() -> String {
            if rng.chance(0.3) {
                files["recipient.pcre"] = ([rng.pick(Self.recipientPatterns)] + rng.some(Self.recipientPatterns, max: 2)).map { "\($0) \(value(classes: classes, guardOK: true))" }
                    .joined(separator: "\n") + "\n"
                return "check_recipient_access pcre:$config_directory/recipient.pcre"
            }
            files["recipient_access"] = table(Self.recipientKeys, classes: classes)
            hash.append("recipient_access")
            return "check_recipient_access hash:$config_directory/recipient_access"
        }
        func clientTable() -> String {
            if rng.chance(0.5) {
                files["client.cidr"] = ([rng.pick(Self.cidrKeys)] + rng.some(Self.cidrKeys, max: 2)).map { "\($0) \(value(classes: classes, guardOK: true))" }
                    .joined(separator: "\n") + "\n"
                return "check_client_access cidr:$config_directory/client.cidr"
            }
            files["client_access"] = table(Self.clientKeys, classes: classes)
            hash.append("client_access")
            return "check_client_access hash:$config_directory/client_access"
        }
        func anyTable() -> String {
            switch rng.int(4) {
            case 0: return heloTable()
            case 1: return senderTable()
            case 2: return recipientTable()
            default: return clientTable()
            }
        }
        let guardWord = rng.weighted([(6, "reject_unauth_destination"), (2, "defer_unauth_destination")])
        switch style {
        case "debian":
            if rng.chance(0.5) { relayList = ["permit_mynetworks", "permit_sasl_authenticated", "defer_unauth_destination"] }
        case "tutorial":
            helo = ["permit_mynetworks"] + rng.some(["reject_invalid_helo_hostname", "reject_non_fqdn_helo_hostname",
                                                     "reject_unknown_helo_hostname"], max: 3)
            if rng.chance(0.5) { helo.append(heloTable()) }
            sender = rng.some(["reject_non_fqdn_sender", "reject_unknown_sender_domain"], max: 2)
            if rng.chance(0.5) { sender.append(senderTable()) }
            recipient = ["permit_mynetworks"] + rng.some(["reject_non_fqdn_recipient", "reject_unknown_recipient_domain"], max: 2)
                + [guardWord] + rng.some(["reject_unlisted_recipient", "reject_rbl_client zen.example",
                                          "reject_unauth_pipelining"], max: 2)
            if rng.chance(0.4) { recipient.append(recipientTable()) }
            if rng.chance(0.4) { client = rng.some(["reject_unknown_client_hostname", "reject_unauth_pipelining"], max: 1) + [clientTable()] }
            // A sender check in the client list (with smtpd_delay_reject = no it sees no sender).
            if rng.chance(0.15) { client.append(senderTable()) }
            if level == "3.6" || rng.chance(0.5) { relayList = ["permit_mynetworks", guardWord] }
        case "hosting":
            relayList = ["permit_mynetworks", "permit_sasl_authenticated", guardWord]
            recipient = ["permit_mynetworks", "permit_sasl_authenticated", "reject_non_fqdn_recipient", guardWord,
                         "reject_unlisted_recipient"]
            main.append("smtpd_sasl_auth_enable = no")
            if rng.chance(0.5) { sender = ["reject_non_fqdn_sender", senderTable()] }
        case "classes":
            recipient = ["permit_mynetworks"]
            recipient.append(anyTable())
            recipient.append(guardWord)
            if rng.chance(0.5) { recipient.append(recipientTable()) }
            relayList = rng.chance(0.5) ? ["permit_mynetworks", guardWord] : nil
        default: // risky: permits before the guard, in either list
            var list = ["permit_mynetworks"]
            for _ in 0..<(1 + rng.int(2)) { list.append(anyTable()) }
            list.append(guardWord)
            if rng.chance(0.6) { relayList = list; recipient = rng.chance(0.5) ? [] : ["permit_mynetworks", "reject_unlisted_recipient"] }
            else {
                recipient = list
                // The 2.x habit: everything in the recipient list, the relay list emptied.
                if rng.chance(0.6) { relayList = [] }
            }
            if rng.chance(0.3) { helo = ["reject_non_fqdn_helo_hostname"] }
            if rng.chance(0.2) { sender = ["reject_non_fqdn_sender"] }
            if rng.chance(0.2) { main.append("parent_domain_matches_subdomains =") }
        }
        if rng.chance(0.03) { relayList = ["reject"] }
        func set(_ name: String, _ list: [String]) { main.append("\(name) = " + list.joined(separator: ",\n    ")) }
        if !client.isEmpty { set("smtpd_client_restrictions", client) }
        if !helo.isEmpty { set("smtpd_helo_restrictions", helo) }
        if !sender.isEmpty { set("smtpd_sender_restrictions", sender) }
        if let relayList { set("smtpd_relay_restrictions", relayList) }
        if !recipient.isEmpty { set("smtpd_recipient_restrictions", recipient) }

        let mainCF = main.joined(separator: "\n") + "\n"
        // Submission-style overrides on the public service itself, as panels write them.
        var master = PostfixInstance.baseMasterCF
        if rng.chance(0.1) {
            let override = rng.pick(["  -o smtpd_helo_required=yes", "  -o smtpd_relay_restrictions=permit_mynetworks,reject_unauth_destination",
                                     "  -o smtpd_sender_restrictions=reject_non_fqdn_sender", "  -o smtpd_client_restrictions="])
            master = master.replacingOccurrences(of: "smtpd\n", with: "smtpd\n\(override)\n", options: [], range: master.range(of: "smtpd\n"))
        }
        let config = DifferentialConfig(name: "random-\(index)-\(style)", mainCF: mainCF, masterCF: master,
                                        files: files, hashMaps: hash, alias: nil, ownDomain: Self.hostname)
        let usesDiscard = files.values.contains { $0.contains("DISCARD") }
        return Generated(config: config, transactions: transactions(), attackHelos: attackHelos(files),
                         attackSenders: attackSenders(files), attackRecipients: attackRecipients(files), usesDiscard: usesDiscard)
    }

    // MARK: - Transactions

    static let helos: [String?] = ["mx.example.net", "partner.example.org", "host.partner.example.org", "localhost", "192.0.2.1",
                                   "[192.0.2.1]", nil, "probe.attacker.example", "nodots", "mx.example.net.", "bad_helo!",
                                   Self.hostname, "example.com"]
    static let senders = ["a@example.net", "", "boss@example.com", "x@sub.example.com", "user", "postmaster@remote.example.net",
                          "friend@partner.example.org", "bob@example.com.", "spammer@spammer.example", "x@nowhere.invalid",
                          "probe@attacker.example", "Mixed.Case@Example.COM", "user@\(hostname)", "\"john smith\"@example.net",
                          "user@gw.example"]
    static let recipients = ["postmaster@\(hostname)", "user@\(hostname)", "nobody@\(hostname)", "alice@\(relayDomain)",
                             "carol@\(relayDomain)", "victim@\(foreign)", "abuse@\(foreign)", "postmaster", "abuse@\(hostname)",
                             "victim%\(foreign)@\(hostname)", "\(foreign)!victim@\(hostname)", "alice@\(relayDomain).",
                             "sales@partner.example", "u@localhost", "bob@\(foreign)", "USER@MX.GW.EXAMPLE", "user",
                             "u@localhost.gw.example", "user@gw.example", "\"jane doe\"@\(hostname)", "\"x y\"@\(foreign)", "user@mx"]
    static let clients: [(String, String?)] = [("198.51.100.7", nil), ("198.51.100.7", "probe.attacker.example"),
                                               ("203.0.113.5", "mail.partner.example"), ("192.0.2.10", nil),
                                               ("198.51.100.66", nil), ("127.0.0.2", "localhost"), ("203.0.113.77", nil)]

    mutating func transactions() -> [Transaction] {
        (0..<18).map { _ in
            let c = rng.pick(Self.clients)
            var rcpts = [rng.pick(Self.recipients)]
            if rng.chance(0.25) { rcpts.append(rng.pick(Self.recipients)) }
            return Transaction(clientAddress: c.0, clientName: c.1, helo: rng.pick(Self.helos), sender: rng.pick(Self.senders),
                               recipients: rcpts)
        }
    }

    func attackHelos(_ files: [String: String]) -> [String?] {
        var out: [String?] = ["probe.attacker.example", nil]
        for key in Self.heloKeys where (files["helo_access"] ?? "").contains(key + " ") {
            out.append(key.hasPrefix(".") ? "host" + key : key)
        }
        if files["helo.pcre"] != nil { out += ["partner.example.org", "localhost", "mx.example.com", "[192.0.2.1]", "nodots", "attacker"] }
        return out
    }

    func attackSenders(_ files: [String: String]) -> [String] {
        var out = ["probe@attacker.example", ""]
        for key in Self.senderKeys where (files["sender_access"] ?? "").contains(key + " ") {
            out.append(key == "<>" ? "" : key.hasSuffix("@") ? key + "attacker.example"
                       : key.contains("@") ? key : "x@" + (key.hasPrefix(".") ? "host" + key : key))
        }
        if files["sender.pcre"] != nil { out += ["postmaster@attacker.example", "x@example.com", "boss@attacker.example", "spammer@x.example"] }
        return out
    }

    func attackRecipients(_ files: [String: String]) -> [String] {
        var out = ["victim@\(Self.foreign)"]
        for key in Self.recipientKeys where key.hasSuffix("@") && (files["recipient_access"] ?? "").contains(key + " ") {
            out.append(key + Self.foreign)
        }
        if files["recipient.pcre"] != nil { out += ["postmaster@\(Self.foreign)", "abuse@\(Self.foreign)", "sales@\(Self.foreign)"] }
        return out
    }
}
