import Diagnostics

/// The catalogue entries of the reader's findings, examples included: the generic rule test
/// runs them like any rule's. Two cannot be shown as gateway.conf text and have no triggering
/// example (`invalid-encoding`: a Swift string is always valid UTF-8; `line-too-long`: 64 KiB
/// of text); examples/broken/ holds a golden file for each. `bad-override` needs `--set` and is
/// covered by the parser tests.
extension SyntaxFinding {
    static let base = """
        [gateway]
        hostname = spam.example.com
        domain = example.com

        [relay]
        domains = example.com
        mail-server = mail.example.com
        trusted = 192.168.40.2/32

        [recipients]
        usuario1@example.com

        """

    public static var descriptions: [RuleDescription] { allCases.map(\.ruleDescription) }

    public var ruleDescription: RuleDescription {
        let (summary, rationale, triggering, nonTriggering) = details
        return RuleDescription(id: id, name: name, severity: .error, summary: summary, rationale: rationale,
                               triggering: triggering.map(RuleExample.gateway),
                               nonTriggering: nonTriggering.map(RuleExample.gateway))
    }

    private var details: (String, String, [String], [String]) {
        let base = SyntaxFinding.base
        switch self {
        case .badHeader:
            return ("a section header is not `[name]`",
                    "A header must be `[name]` alone on its line; a missing `]` or text after it (a trailing comment) is refused instead of guessed at.",
                    ["↓[gateway\nhostname = spam.example.com\n", "[gateway] ↓# identity\n"], [base])
        case .missingEquals:
            return ("a line in a key/value section has no `=`",
                    "Sections other than `[recipients]` and `[dnsbl]` hold `key = value` lines; a bare word there is a typo, never silently ignored.",
                    [base + "[local]\n↓delivery off\n"], [base + "[local]\ndelivery = off\n"])
        case .emptyFile:
            return ("the file holds no section",
                    "An empty gateway.conf (or one with only comments) describes nothing; accepting it would emit a gateway with defaults nobody chose.",
                    ["↓# nothing here yet\n"], [base])
        case .invalidEncoding:
            return ("a line is not valid UTF-8",
                    "gateway.conf is UTF-8 text. Bytes that are not (Latin-1 reply texts, binary garbage) would end up in main.cf and maps unchanged; they are reported at their column.",
                    [], [base + "[local]\nmessage = No molestar envío local\n"])
        case .nulByte:
            return ("a line holds a NUL byte",
                    "A NUL byte truncates the value in every C program that reads the emitted files (Postfix, clamd); the line is refused.",
                    ["[gateway]\nhostname = spam↓\u{0}.example.com\n"], [base])
        case .lineTooLong:
            return ("a line is longer than 64 KiB",
                    "No directive needs such a line; refusing it bounds the work per line and keeps reports readable. Long recipient lists go in `[recipients] file =`.",
                    [], [base])
        case .entryOutsideSection:
            return ("an entry comes before the first section header",
                    "Every key belongs to a section; a key before the first header has no meaning.",
                    ["↓hostname = spam.example.com\n" + base], [base])
        case .unknownSection:
            return ("a section name is not known",
                    "A misspelt section would otherwise be ignored with everything in it, e.g. a whole `[dnsbl]` list.",
                    ["[↓dnsbls]\nzen.spamhaus.org = 127.0.0.[2..11]\n" + base], [base + "[dnsbl]\nzen.spamhaus.org = 127.0.0.[2..11]\n"])
        case .unknownKey:
            return ("a key is not known in its section",
                    "A misspelt key would silently keep the default, e.g. `loopbak = no` leaves services on 127.0.0.1 in a jail.",
                    [base + "[local]\n↓delivry = off\n"], [base + "[local]\ndelivery = off\n"])
        case .duplicateSection:
            return ("a section appears twice",
                    "Two copies of a section are usually an edit that was meant to replace the first; the entries are read together and reported so the intent is explicit.",
                    [base + "[local]\ndelivery = off\n[↓local]\nmessage = off\n"], [base + "[local]\ndelivery = off\nmessage = off\n"])
        case .duplicateKey:
            return ("a key, map entry or recipient appears twice",
                    "Postfix keeps the last main.cf setting and the first map entry; gateway.conf refuses to guess which one was meant.",
                    [base + "[clients]\nhotmail.com = REJECT\n↓hotmail.com = OK\n"], [base + "[clients]\nhotmail.com = REJECT\n"])
        case .missingKey:
            return ("a required key or section is missing",
                    "`[gateway]` needs `hostname` and `domain`, `[relay]` needs `domains` and `mail-server`, and a service section needs its `listen` address: there is no safe default.",
                    ["[↓gateway]\ndomain = example.com\n[relay]\ndomains = example.com\nmail-server = mail.example.com\n"], [base])
        case .invalidValue:
            return ("a value does not parse",
                    "Addresses, networks, ports, sizes and access actions are validated when read; a network with host bits set, for instance, makes Postfix ignore the rest of mynetworks.",
                    [base.replacingAll("192.168.40.2/32", "↓192.168.40.2/24")], [base])
        case .unsafeValue:
            return ("a value holds a character that would change the emitted configuration",
                    "A `$` is expanded by Postfix, a comma splits a list, a control character breaks a line: such values would turn into configuration nobody wrote.",
                    [base + "[local]\nmessage = costs ↓$100\n"], [base + "[local]\nmessage = local delivery is disabled\n"])
        case .unreadableFile:
            return ("a file cannot be read",
                    "gateway.conf or the recipients file it names is missing, unreadable or a directory. A relative recipients path is resolved against the directory of gateway.conf.",
                    [base.replacingAll("usuario1@example.com\n", "file = ↓no-such-recipients.txt\n")], [base])
        case .badOverride:
            return ("a `--set` override is not `section.key=value` for a fixed key",
                    "Overrides (`--set gateway.platform=debian`) change a fixed key before validation; entries of map and list sections stay in the file.",
                    [], [base])
        }
    }
}
