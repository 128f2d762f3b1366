// libFuzzer entry for simulate's addresses (fuzz/all.sh target `simulate`): the input is a
// `simulate --batch` file (client, helo, from, to fields) run against a fixed gateway held in
// memory: address syntax, source routes, quoting, the resolver's address classes, access
// tables keyed by address parts, recipient tables. A crash or trap is a finding; so is a
// verdict that is not an SMTP reply or a transaction without one verdict per recipient.
import PostfixConfig
@testable import Simulate

private let mainCf = """
    compatibility_level = 3.6
    myhostname = mx.example.com
    mydomain = example.com
    mydestination = localhost, $myhostname
    relay_domains = example.org, .sub.example.org
    relay_recipient_maps = hash:/etc/postfix/relay_recipients
    virtual_alias_domains = alias.example.net
    virtual_alias_maps = hash:/etc/postfix/virtual
    local_recipient_maps = hash:/etc/postfix/local
    recipient_delimiter = +-
    smtpd_helo_required = yes
    smtpd_client_restrictions = check_client_access hash:/etc/postfix/client_access
    smtpd_helo_restrictions = reject_invalid_helo_hostname, check_helo_access pcre:/etc/postfix/helo.pcre
    smtpd_sender_restrictions = reject_non_fqdn_sender, check_sender_access hash:/etc/postfix/sender_access
    smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
    smtpd_recipient_restrictions = reject_non_fqdn_recipient, reject_unlisted_recipient,
        check_recipient_access hash:/etc/postfix/rcpt_access, permit
    mynetworks = 127.0.0.0/8, [::1]/128, 192.0.2.0/24
    """

private let tables: [String: String] = [
    "/etc/postfix/relay_recipients": "jörg@example.org OK\nuser@example.org OK\n@sub.example.org OK\n",
    "/etc/postfix/virtual": "a@alias.example.net user@example.org\n",
    "/etc/postfix/local": "root x\npostmaster x\n",
    "/etc/postfix/client_access": "192.0.2.66 REJECT\nspam.example REJECT bad\n",
    "/etc/postfix/helo.pcre": "/^\\[?192\\.0\\.2\\./ REJECT forged\n/^(.*)\\.invalid$/ REJECT no $1\n",
    "/etc/postfix/sender_access": "example.net REJECT\nuser@ OK\n<> DUNNO\n",
    "/etc/postfix/rcpt_access": "postmaster@ OK\nuser+tag@example.org REJECT tagged\n",
]

private let context: SimulationContext = {
    let config = PostfixConfigSet(mainCf: MainCf(file: "/etc/postfix/main.cf", text: mainCf))
    return SimulationContext(parameters: config.parameters(for: nil), tables: FileTableProvider(memory: tables))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSimulate(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let (lines, _) = BatchFile.parse(text, file: "fuzz.batch")
    let simulator = Simulator(context: context)
    for line in lines.prefix(16) {
        let result = simulator.simulate(line.transaction)
        for v in result.verdicts where !(200...599).contains(v.reply.code) {
            fatalError("not an SMTP reply: \(v.reply)")
        }
        let first = result.verdicts.first
        if first?.command != "MAIL", result.verdicts.count != line.transaction.recipients.count {
            fatalError("\(line.transaction.recipients.count) recipients, \(result.verdicts.count) verdicts")
        }
    }
    return 0
}
