import Diagnostics
import ConfigModel

/// Every rule the linter knows, in one list: the generic test, `rules`, `explain`, SARIF and the
/// man page all read it. Add a rule by adding its file under `Rules/<family>/` (the folder of its
/// id range) and one line here; `RuleRegistryTests` fails on a rule file that is not listed.
public enum RuleRegistry {
    /// gateway.conf rules first, then Postfix rules, each in report order.
    static let all: [any Rule] = [
        // gateway.conf (GWx1xx)
        RecipientDomainRule(),
        TrustedNetworkRule(),
        MailServerLoopRule(),
        HostnameDomainRule(),
        EmptyRecipientsRule(),
        WarnOnlyRule(),
        OwnIPWithoutPublicIPRule(),
        BannerHostnameRule(),
        ForgeablePermitRule(),
        UnescapedDotRule(),
        ScanLimitRule(),
        DNSBLReplyFilterRule(),
        ClamAVMirrorRule(),
        ScannerWithoutFilterRule(),
        LoopbackServiceRule(),
        ServiceListenAddressRule(),
        ServicePortConflictRule(),
        PublicServiceRule(),
        ClamdTCPWithoutClientRule(),
        PlatformPathRule(),
        PolicydWeightUnderRspamdRule(),
        RspamdRedisRule(),
        // Postfix configurations (GWx0xx)
        OpenRelayRule(),
        RelayGuardMissingRule(),
        RestrictionRecursionRule(),
        VerifyBeforeGuardRule(),
        RefusesEveryRecipientRule(),
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
        ObsoleteParameterRule(),
        MapSourceWarningRule(),
        MapDatabaseStaleRule(),
        TableTypeUnavailableRule(),
        DefaultDatabaseTypeRule(),
        MapOutsideTreeRule(),
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
        ContentFilterToReinjectionRule(),
        DeadDNSBLRule(),
        DomainListAsIPListRule(),
        PostgreyPortRule(),
        LoopbackWithoutInterfaceRule(),
        ClamAVUnknownOptionRule(),
        ClamAVDeprecatedOptionRule(),
        ClamAVDatabaseDirectoryRule(),
        ClamAVScanLimitRule(),
        FreshclamNotifyClamdRule(),
        FreshclamObsoleteMirrorRule(),
        ContentFilterFailsOpenRule(),
        ClamdTCPUnusedRule(),
        CostBeforeUnlistedRecipientRule(),
        PolicydWeightDNSBLRule(),
        AmavisAdminRouteRule(),
        PlatformPathMismatchRule(),
        ScannerGroupRule(),
        // postscreen and STARTTLS (issue 14)
        PostscreenHelpersRule(),
        PostscreenAllowsWorldRule(),
        PostscreenTLSOldNameRule(),
        TLSEncryptOnPort25Rule(),
        TLSCertificateFilesRule(),
        PostscreenReplyFilterRule(),
        PostscreenCachePathRule(),
        RspamdMilterAddressRule(),
        RspamdClamdSocketRule(),
    ]

    /// Rules over gateway.conf.
    public static let gatewayRules: [any GatewayRule] = all.compactMap(\.asGatewayRule)

    /// Rules over Postfix configurations (`gatewayctl lint`, and `check` on the emitted files).
    public static let postfixRules: [any PostfixRule] = all.compactMap(\.asPostfixRule)

    /// The Postfix rules that also judge what the compiler produced (is it open, does it start,
    /// does Postfix know every name); rules about the admin's own input already ran on gateway.conf.
    public static let compiledOutputRules: [any PostfixRule] = postfixRules.filter { type(of: $0).judgesCompiledOutput }

    /// Findings that are not produced by a `Rule` value (parse errors, I/O) still need a
    /// description for SARIF and `explain`; their owners list them here.
    public static let otherDescriptions: [RuleDescription] = SyntaxFinding.descriptions

    public static var descriptions: [RuleDescription] {
        all.map { type(of: $0).description } + otherDescriptions
    }

    /// By id (`GW2001`, case-insensitive) or name (`open-relay`).
    public static func description(for key: String) -> RuleDescription? {
        let k = key.lowercased()
        return descriptions.first { $0.id.lowercased() == k || $0.name == k }
    }
}
