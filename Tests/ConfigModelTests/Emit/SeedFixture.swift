@testable import ConfigModel
@testable import PostfixConfig

/// The tutorial's gateway built in Swift, for emitter tests that must not depend on the
/// gateway.conf parser (the golden tests parse examples/seed-gateway.conf instead).
enum SeedFixture {
    static func gateway(platform: Platform = .freebsd, postfix: PostfixVersion = PostfixVersion(2, 8)) throws -> Gateway {
        let listen = try IPAddress("192.168.40.5").unwrap()
        return Gateway(
            identity: Identity(hostname: try DomainName("spam.example.com"), domain: try DomainName("example.com"),
                               platform: platform, postfix: postfix, publicIP: IPAddress("203.0.113.25"),
                               listenIP: IPAddress("192.168.40.3"), loopback: false),
            relay: Relay(domains: [try DomainName("example.com")],
                         mailServer: NextHop(host: .name(try DomainName("mail.example.com"))),
                         trusted: [try CIDR(parsing: "192.168.40.2/32")]),
            recipients: .inline([try EmailAddress("usuario1@example.com"), try EmailAddress("usuario2@example.com"),
                                 try EmailAddress("usuario3@example.com")]),
            aliases: [Alias(name: "postmaster", target: try EmailAddress("postmaster@example.com")),
                      Alias(name: "abuse", target: try EmailAddress("abuse@example.com"))],
            local: LocalDelivery(enabled: false, message: "No molestar envio local esta deshabilitado"),
            clients: [AccessEntry(key: "hotmail.com", action: .reject(text: nil))],
            helo: HeloChecks(patterns: [.init(regex: "/^[0-9.]+$/", action: .reject(text: "U are not RFC2821 compliant"))],
                             rejectOwnIP: .reject(text: "You are not my IP"),
                             rejectOwnHostname: .reject(text: "You are not in the server room")),
            senders: SenderChecks(rejectOwnDomain: .code(554, text: "No usar mi dominio en tu remitente")),
            checks: Checks(heloRequired: true, fqdn: [.helo, .sender, .recipient], invalidHelo: true,
                           knownDomain: [.sender, .recipient], multiRecipientBounce: true),
            dnsbls: [DNSBL(zone: try DomainName("zen.spamhaus.org"), replyFilter: "127.0.0.[2..11]")],
            greylisting: Greylisting(listen: Endpoint(host: .ip(listen), port: 10023), delay: 300),
            policydWeight: PolicydWeight(listen: Endpoint(host: .ip(listen), port: 12525)),
            antivirus: Antivirus(streamMaxLength: try ByteSize("10M").unwrap()),
            signatures: Signatures(mirrors: [try DomainName("database.clamav.net")], notifyClamd: true),
            contentFilter: ContentFilter(listen: Endpoint(host: .ip(listen), port: 10024),
                                         reinject: Endpoint(host: .ip(listen), port: 10025)),
            spamassassin: SpamAssassin(requiredScore: 5.0, bayes: true))
    }
}

struct MissingValue: Error {}
extension Optional {
    func unwrap() throws -> Wrapped {
        guard let v = self else { throw MissingValue() }
        return v
    }
}
