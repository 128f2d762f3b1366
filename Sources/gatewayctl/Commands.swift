import ArgumentParser

extension GatewayCtl {
    /// Every subcommand, one file each. Add new ones here.
    static let commands: [ParsableCommand.Type] = [
        Check.self,
        Lint.self,
        Probe.self,
        Simulate.self,
        Rules.self,
        Explain.self,
        Build.self,
        MapCommand.self,
    ]
}
