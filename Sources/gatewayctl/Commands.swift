import ArgumentParser

extension GatewayCtl {
    /// Every subcommand, one file each. Add new ones here.
    static let commands: [ParsableCommand.Type] = [
        Rules.self,
        Explain.self,
    ]
}
