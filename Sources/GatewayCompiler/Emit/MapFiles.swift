/// The lookup tables a gateway uses, with the file names the emitters write and main.cf names.
/// The tutorial's names, except the sender map (`sender_access`, not a Spanish phrase).
enum MapFiles {
    static let relayRecipients = "relay_recipients"
    static let transport = "transport"
    static let virtualAlias = "virtual_alias_maps"
    static let clientAccess = "access_clients"
    static let senderAccess = "sender_access"
    static let heloChecks = "helo_checks"

    static func reference(_ kind: MapReference.Kind, _ name: String, _ paths: PlatformPaths) -> MapReference {
        MapReference(kind: kind, path: paths.postfix(name))
    }
}
