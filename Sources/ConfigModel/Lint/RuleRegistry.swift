/// Every rule the linter knows, in one place: the generic test, `rules`, `explain`, SARIF and the
/// man page all read this list. Add a rule by adding its file under `Rules/` and one line here.
public enum RuleRegistry {
    /// Rules over gateway.conf.
    public static let gatewayRules: [any GatewayRule] = GatewayRules.all

    /// Rules over Postfix configurations (`gatewayctl lint`, and `check` on the emitted files).
    public static let postfixRules: [any PostfixRule] = [
        OpenRelayRule(),
        RelayGuardMissingRule(),
        TLSAllClientCertsRule(),
        MXBackupRule(),
        PolicyBeforeGuardRule(),
        UnknownRestrictionRule(),
        DeprecatedRestrictionRule(),
        RestrictionContextRule(),
        HeloRequiredRule(),
        MynetworksBroadRule(),
        MynetworksHostBitsRule(),
        RelayDomainsWithoutRecipientsRule(),
        DomainLocalAndRelayRule(),
        DNSBeforeLocalRule(),
        RBLReplyFilterRule(),
        UnknownParameterRule(),
        MapSourceWarningRule(),
        MapDatabaseStaleRule(),
        RegexTableRule(),
        UnescapedDotInIPPatternRule(),
        PostfixSyntaxRule(),
        DuplicateParameterRule(),
        ExpansionNestingRule(),
        MasterCfFieldRule(),
        UnusedSuppressionRule(),
        OverrideShadowsMainRule(),
        CompatibilityLevelRule(),
        AmavisWiringRule(),
        PostgreyPortRule(),
        LoopbackWithoutInterfaceRule(),
        ClamAVUnknownOptionRule(),
        ClamAVDeprecatedOptionRule(),
        ClamAVDatabaseDirectoryRule(),
        ClamAVScanLimitRule(),
        FreshclamNotifyClamdRule(),
        FreshclamObsoleteMirrorRule(),
    ]

    /// Findings that are not produced by a `Rule` value (parse errors, I/O) still need a
    /// description for SARIF and `explain`; their owners list them here.
    public static let otherDescriptions: [RuleDescription] = SyntaxFinding.descriptions

    public static var descriptions: [RuleDescription] {
        gatewayRules.map { type(of: $0).description }
            + postfixRules.map { type(of: $0).description } + otherDescriptions
    }

    /// By id (`GW2001`, case-insensitive) or name (`open-relay`).
    public static func description(for key: String) -> RuleDescription? {
        let k = key.lowercased()
        return descriptions.first { $0.id.lowercased() == k || $0.name == k }
    }
}
