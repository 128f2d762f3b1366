/// Every rule over gateway.conf, in report order. `RuleRegistry.gatewayRules` is this list; it
/// lives beside the rules so that the parser fuzzer (fuzz/run.sh) can compile them alone.
public enum GatewayRules {
    public static let all: [any GatewayRule] = [
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
    ]
}
