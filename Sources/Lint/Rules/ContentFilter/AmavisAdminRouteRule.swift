import FoundationEssentials
import Diagnostics
import PostfixConfig

/// GW5008: amavis sends its notifications to an address that does not route.
struct AmavisAdminRouteRule: PostfixRule {
    init() {}
    /// A build must never emit what this rule reports.
    static let judgesCompiledOutput = true
    static let description = RuleDescription(
        id: "GW5008", name: "amavis-admin-unrouted", severity: .warning,
        summary: "amavis's admin notifications go to an address that does not route",
        rationale: """
        Debian's conf.d stack sets `$virus_admin = "postmaster\\@$mydomain"` in \
        20-debian_defaults, where `$mydomain` is still the first line of /etc/mailname (empty in \
        a fresh jail): setting `$mydomain` later in 50-user does not change it, and every virus \
        notice fails (`<postmaster@> 501 5.1.3`). Say `$virus_admin` after `$mydomain`. An \
        admin address in a domain this gateway neither relays nor delivers is rejected or \
        bounced by the gateway itself.
        """,
        triggering: [
            .postfix(mainCf: "", [("amavis/conf.d/50-user", "use strict;\n↓$mydomain = 'example.com';\n1;\n")]),
            .postfix(mainCf: "relay_domains = example.com\n",
                     [("amavis/conf.d/50-user", "$mydomain = 'example.com';\n↓$virus_admin = 'admin@example.org';\n")]),
        ],
        nonTriggering: [
            .postfix(mainCf: "relay_domains = example.com\n",
                     [("amavis/conf.d/50-user", "$mydomain = 'example.com';\n$virus_admin = \"postmaster\\@$mydomain\";\n")]),
        ])

    func check(_ config: PostfixConfigSet) -> [Diagnostic] {
        guard let amavis = AmavisSettings.of(config) else { return [] }
        // Debian: a file after 20-debian_defaults sets $mydomain but none sets $virus_admin.
        let adminAfterDefaults = amavis.spans["virus_admin"].map { Self.afterDefaults($0.file) } ?? false
        if amavis.isDebianConfD, let domainSpan = amavis.spans["mydomain"], Self.afterDefaults(domainSpan.file), !adminAfterDefaults {
            return [Self.diagnostic("`$mydomain` is set after 20-debian_defaults built `$virus_admin` from /etc/mailname: virus notices go to `postmaster@` of the wrong (or an empty) domain",
                                    at: domainSpan, fix: "add `$virus_admin = \"postmaster\\@$mydomain\";` after `$mydomain`")]
        }
        guard config.hasMainCf, let admin = amavis.value("virus_admin"), let span = amavis.spans["virus_admin"] else { return [] }
        let address = admin.replacing("\\@", with: "@")
            .replacing("$mydomain", with: amavis.value("mydomain") ?? "$mydomain")
            .replacing("${mydomain}", with: amavis.value("mydomain") ?? "$mydomain")
        guard let at = address.lastIndex(of: "@"), !address.contains("$") else { return [] }
        let domain = address[address.index(after: at)...].lowercased()
        let main = config.parameters(for: nil)
        var routed: Set<String> = []
        for p in ["relay_domains", "mydestination", "virtual_alias_domains", "virtual_mailbox_domains"] {
            for item in main.list(p) where !item.text.contains(":") { routed.insert(item.text.lowercased()) }
        }
        if routed.isEmpty || routed.contains(domain) { return [] }
        return [Self.diagnostic("amavis sends notices to `\(address)`, but this Postfix neither relays nor delivers `\(domain)`",
                                at: span, fix: "use `postmaster@` a domain in `relay_domains`")]
    }

    /// Debian's packaged snippets are 01-debian ... 25-amavis_helpers; the admin's come later.
    static func afterDefaults(_ file: String) -> Bool {
        file.split(separator: "/").last.map(String.init) ?? file > "20-debian_defaults"
    }
}
