import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

@main
struct GatewayCtl: ParsableCommand {
    static let version = "0.1.0"

    static var configuration: CommandConfiguration {
        var configuration = CommandConfiguration(
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
        // ArgumentParser looks for `--generate-completion-script` by parsing the arguments twice
        // more, as two pseudo-commands (7M instructions, half of its cost, on every run). It
        // skips that for a root with a super-command name, which nothing else reads while
        // parsing (only help and usage, rendered after `main` clears the flag below).
        if parsingWithoutCompletionRequest { configuration._superCommandName = "" }
        return configuration
    }

    /// Set while the arguments are parsed when none of them can ask for shell completion.
    nonisolated(unsafe) private static var parsingWithoutCompletionRequest = false

    /// ParsableCommand.main, with two shortcuts: the everyday shapes of `check` and `simulate`
    /// are read without ArgumentParser (`FastArguments`), and its completion look-up runs only
    /// when an argument mentions completion.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: ParsableCommand
        if let fast = FastArguments.parse(arguments) {
            command = fast
        } else {
            do {
                parsingWithoutCompletionRequest = !arguments.contains { $0.contains("completion") }
                defer { parsingWithoutCompletionRequest = false }
                command = try parseAsRoot(arguments)
            } catch {
                exit(withError: error)
            }
        }
        do {
            try command.run()
        } catch let status as ExitCode {
            // What exit(withError:) does with an ExitCode (no message), without the help
            // screen it lays out first (3M instructions, on every `check`).
            Glibc.exit(status.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
