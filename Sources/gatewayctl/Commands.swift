import ArgumentParser

extension GatewayCtl {
    /// Every subcommand, one file each. Add new ones here, and give each its `commandName:`:
    /// ArgumentParser otherwise derives the name from `String(describing: Self.self)`, a metadata
    /// lookup per command on every start (9M of the 22M instructions of `gatewayctl --version`).
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
