import FoundationEssentials
import Diagnostics
import PostfixConfig
import ConfigModel
import GatewayCompiler

/// A Postfix configuration ready to simulate: main.cf/master.cf parsed by the Postfix reader,
/// the smtp service picked, tables reachable. Built from a config directory or, for a
/// gateway.conf, from the emitter's in-memory tree (nothing is written).
public struct SimulationInput: Sendable {
    public var config: PostfixConfigSet
    public var tables: TableProvider
    var postgreyEndpoints: Set<String> = []
    var policydWeightEndpoints: Set<String> = []
    public var diagnostics: [Diagnostic] = []

    /// The smtpd service that faces the Internet: master.cf's `smtp inet` (any host prefix),
    /// or main.cf alone when there is no master.cf.
    public var service: MasterService? {
        config.smtpdServices.first { service in
            let port = service.name.split(separator: ":").last.map(String.init) ?? service.name
            return service.type == "inet" && (port == "smtp" || port == "25")
        } ?? (postscreenService != nil ? config.smtpdServices.first { $0.type == "pass" } : nil)
            ?? config.smtpdServices.first { $0.type == "inet" }
    }

    /// master.cf's postscreen on port 25, which hands clients to the `pass` smtpd above.
    var postscreenService: MasterService? {
        config.masterCf?.services.first { service in
            let port = service.name.split(separator: ":").last.map(String.init) ?? service.name
            return service.command == "postscreen" && service.type == "inet" && (port == "smtp" || port == "25")
        } ?? config.masterCf?.services.first { $0.command == "postscreen" && $0.type == "inet" }
    }

    public func context(dns: DNSFixture?) -> SimulationContext {
        var context = SimulationContext(parameters: config.parameters(for: service), tables: tables, dns: dns,
                                        postgreyEndpoints: postgreyEndpoints, policydWeightEndpoints: policydWeightEndpoints)
        context.postscreen = postscreenService.map { config.parameters(for: $0) }
        return context
    }

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(String)
        case invalid([Diagnostic])
        public var description: String {
            switch self {
            case .unreadable(let message): message
            case .invalid(let diagnostics): diagnostics.first?.message ?? "invalid configuration"
            }
        }
    }

    /// main.cf and master.cf of `directory`; maps by their Postfix paths, those under
    /// `config_directory` read from `directory`.
    public static func load(postfixDirectory directory: String, version: PostfixVersion = PostfixVersion(3, 7)) throws -> SimulationInput {
        let config: PostfixConfigSet
        do {
            config = try PostfixConfigSet.load(directory: directory, version: version)
        } catch {
            throw LoadError.unreadable("cannot read `\(directory)/main.cf`")
        }
        let scope = config.parameters(for: nil)
        let tables = FileTableProvider(smtputf8: scope.bool("smtputf8_enable")) { path in config.localPath(path, in: scope) }
        return SimulationInput(config: config, tables: tables, diagnostics: config.diagnostics)
    }

    /// A gateway.conf, through the compile pipeline: simulated as the Postfix files it becomes
    /// (emitted in memory, nothing written), from the configuration the compilation parsed.
    public static func load(gatewayConf path: String, overrides: [String] = []) throws -> SimulationInput {
        try load(Compilation.compile(path: path, overrides: overrides))
    }

    public static func load(_ compilation: Compilation) throws -> SimulationInput {
        if compilation.unreadable {
            throw LoadError.unreadable(compilation.diagnostics.first?.message ?? "cannot read `\(compilation.path)`")
        }
        guard let document = compilation.document, let tree = compilation.tree, let config = compilation.postfix,
              !compilation.diagnostics.contains(where: { $0.severity == .error }) else {
            throw LoadError.invalid(compilation.diagnostics)
        }
        var input = load(tree: tree, config: config)
        if let greylisting = document.gateway.greylisting {
            input.postgreyEndpoints.insert("inet:\(greylisting.listen)")
        }
        if let weight = document.gateway.policydWeight {
            input.policydWeightEndpoints.insert("inet:\(weight.listen)")
        }
        return input
    }

    /// An emitted tree: main.cf and master.cf as parsed once by the compilation, map sources
    /// straight from memory.
    public static func load(tree: EmittedTree, config: PostfixConfigSet) -> SimulationInput {
        var memory: [String: String] = [:]
        var streams: [String: StreamedContents] = [:]
        // Every file, not only the maps that need building: postscreen's cidr and texthash tables
        // too. A streamed one (a recipients file) stays a stream: lookups scan it.
        for file in tree.files {
            if let stream = file.stream { streams[file.absolutePath] = stream } else { memory[file.absolutePath] = file.contents }
        }
        let smtputf8 = config.parameters(for: nil).bool("smtputf8_enable")
        return SimulationInput(config: config, tables: FileTableProvider(memory: memory, streams: streams, smtputf8: smtputf8),
                               diagnostics: config.diagnostics)
    }
}
