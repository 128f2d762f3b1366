import ArgumentParser

@main
struct GatewayCtl: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "gatewayctl",
        abstract: "Compile, lint and test Postfix spam gateways.",
        discussion: """
        gateway.conf describes the gateway once; gatewayctl checks it, proves it is not an open relay, \
        emits every daemon's files and builds the lookup tables without postmap.

        Exit status: 0 no error, 1 findings at error level (or warnings with --strict), \
        2 input could not be read or processed, 64 usage error.
        """,
        version: version,
        subcommands: GatewayCtl.commands
    )
}
