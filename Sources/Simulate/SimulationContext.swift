import FileLayer
import FoundationEssentials
import PostfixConfig

/// Everything the simulator reads from the configuration, resolved once per run: effective
/// parameters of the smtp service, parsed lists, and the tables they name.
public struct SimulationContext: Sendable {
    public var parameters: ParameterScope { didSet { lists = ListMemo() } }
    public var tables: TableProvider
    public var dns: DNSFixture?
    /// `check_policy_service` endpoints known to be postgrey (greylisting semantics).
    var postgreyEndpoints: Set<String>
    /// Endpoints known to be policyd-weight (reported as not evaluated unless the fixture answers).
    var policydWeightEndpoints: Set<String>
    /// Expanded lists by name: one transaction asks for the same ones many times
    /// (`parent_domain_matches_subdomains` on every domain match, a tenth of a simulate run).
    private var lists = ListMemo()
    /// The postscreen service's parameters when postscreen answers port 25 (it judges the
    /// client before smtpd; `PostscreenEvaluator`).
    public var postscreen: ParameterScope?

    public init(parameters: ParameterScope, tables: TableProvider, dns: DNSFixture? = nil,
                postgreyEndpoints: Set<String> = [], policydWeightEndpoints: Set<String> = []) {
        self.parameters = parameters
        self.tables = tables
        self.dns = dns
        self.postgreyEndpoints = postgreyEndpoints
        self.policydWeightEndpoints = policydWeightEndpoints
    }

    func value(_ name: String) -> String { parameters.value(name) }
    func bool(_ name: String) -> Bool { parameters.bool(name) }
    func int(_ name: String, _ fallback: Int) -> Int { Int(parameters.value(name)) ?? fallback }
    func items(_ name: String) -> [String] { lists.items(name) { parameters.list(name).map(\.text) } }

    /// Names listed in parent_domain_matches_subdomains.
    func parentStyle(_ name: String) -> Bool { items("parent_domain_matches_subdomains").contains(name) }

    func matchList(_ name: String) -> MatchList {
        MatchList(patterns: items(name), parentMatchesSubdomains: parentStyle(name), tables: tables)
    }

    /// The endpoint is postgrey by configuration, or by its conventional port 10023.
    func isPostgrey(_ endpoint: String) -> Bool {
        postgreyEndpoints.contains(endpoint) || endpoint.hasSuffix(":10023")
    }

    func isPolicydWeight(_ endpoint: String) -> Bool {
        policydWeightEndpoints.contains(endpoint) || endpoint.hasSuffix(":12525")
    }
}

/// The memo behind `SimulationContext.items`; a class so the value-type context can fill it
/// while it is shared (batch mode), hence the lock.
private final class ListMemo: @unchecked Sendable {
    private let lock = ThreadLock()
    private var cache: [String: [String]] = [:]

    func items(_ name: String, _ expand: () -> [String]) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[name] { return hit }
        let items = expand()
        cache[name] = items
        return items
    }
}
