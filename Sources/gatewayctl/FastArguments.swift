import ArgumentParser
import Diagnostics

/// The everyday argument shapes of `check` and `simulate`, read without ArgumentParser. Its
/// parse reflects over every option (Mirror, generic metadata, protocol-conformance scans):
/// 8-11M instructions a process, more than `simulate` spends on the transaction itself and
/// more than a whole `postmap -q`.
///
/// Only a strict subset is taken: `--name value` or `--name=value` for the command's own long
/// options, its flags once each, and at most one positional. Anything else (help, `--version`,
/// a short or unknown option, a flag or single-value option given twice, a value that is empty
/// or starts with `-`, `--`, a second positional, a value the option's type rejects, a failed
/// `validate()`) returns nil and goes to ArgumentParser, which owns every message and exit
/// status. `FastArgumentsTests` checks that both parsers build the same command.
enum FastArguments {
    static func parse(_ arguments: [String]) -> ParsableCommand? {
        switch arguments.first {
        case "check": check(Array(arguments.dropFirst()))
        case "simulate": simulate(Array(arguments.dropFirst()))
        default: nil
        }
    }

    static func check(_ arguments: [String]) -> Check? {
        guard let s = scan(arguments, options: ["set", "format"], repeatable: ["set"], flags: ["strict"]),
              s.positionals.count <= 1 else { return nil }
        var input = GatewayInput()
        input.config = s.positionals.first ?? "gateway.conf"
        input.overrides = s.options["set"] ?? []
        var output = OutputOptions()
        guard let format = s.value("format", ReportFormat.self, default: .text) else { return nil }
        output.format = format
        output.strict = s.flags.contains("strict")
        var check = Check()
        check.input = input
        check.output = output
        return check
    }

    static func simulate(_ arguments: [String]) -> Simulate? {
        let options = ["postfix", "client-address", "client-name", "helo", "from", "to", "sasl-user",
                                    "dns", "batch", "format"]
        guard let s = scan(arguments, options: options, repeatable: ["to"],
                           flags: ["no-helo", "greylist-known", "talks-first"]),
              s.positionals.count <= 1,
              let format = s.value("format", VerdictFormat.self, default: .text) else { return nil }
        var simulate = Simulate()
        simulate.config = s.positionals.first
        simulate.postfix = s.options["postfix"]?.first
        simulate.clientAddress = s.options["client-address"]?.first
        simulate.clientName = s.options["client-name"]?.first
        simulate.helo = s.options["helo"]?.first
        simulate.noHelo = s.flags.contains("no-helo")
        simulate.from = s.options["from"]?.first
        simulate.to = s.options["to"] ?? []
        simulate.saslUser = s.options["sasl-user"]?.first
        simulate.dns = s.options["dns"]?.first
        simulate.greylistKnown = s.flags.contains("greylist-known")
        simulate.talksFirst = s.flags.contains("talks-first")
        simulate.batch = s.options["batch"]?.first
        simulate.format = format
        // A rejected combination is ArgumentParser's to report (usage, exit 64).
        guard (try? simulate.validate()) != nil else { return nil }
        return simulate
    }

    /// Arrays, not sets, throughout: a handful of names, and Set<String>'s first use costs more
    /// than all the comparisons.
    struct Scanned {
        /// Values by long option name, in command-line order.
        var options: [String: [String]] = [:]
        var flags: [String] = []
        var positionals: [String] = []

        /// The option's value converted as ArgumentParser would (`init?(argument:)`); nil when
        /// it does not convert.
        func value<T: ExpressibleByArgument>(_ name: String, _ type: T.Type, default: T) -> T? {
            guard let text = options[name]?.first else { return `default` }
            return T(argument: text)
        }
    }

    static func scan(_ arguments: [String], options: [String], repeatable: [String], flags: [String]) -> Scanned? {
        var out = Scanned()
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            guard argument.hasPrefix("-") else {
                // "help" may name ArgumentParser's help subcommand.
                guard !argument.isEmpty, argument != "help" else { return nil }
                out.positionals.append(argument)
                continue
            }
            guard argument.hasPrefix("--"), argument.count > 2 else { return nil }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if flags.contains(name) {
                guard value == nil, !out.flags.contains(name) else { return nil }
                out.flags.append(name)
                continue
            }
            guard options.contains(name) else { return nil }
            if value == nil, i < arguments.count {
                value = arguments[i]
                i += 1
            }
            guard let value, !value.isEmpty, !value.hasPrefix("-"),
                  out.options[name] == nil || repeatable.contains(name) else { return nil }
            out.options[name, default: []].append(value)
        }
        return out
    }
}
