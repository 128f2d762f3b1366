import ArgumentParser
import ConfigModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Lint

extension ReportFormat: ExpressibleByArgument {}

/// Options every command that reports findings shares.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text, json, sarif or github.")
    var format: ReportFormat = .text

    @Flag(name: .long, help: "Treat warnings as errors for the exit status.")
    var strict = false

    /// Prints findings in the chosen format and returns the exit status of the contract:
    /// 0 clean, 1 an error (or a warning with --strict).
    func report(_ diagnostics: [Diagnostic]) -> ExitCode {
        let options = ReportOptions(color: format == .text && Terminal.colorEnabled(fd: 1),
                                    toolVersion: GatewayCtl.version, rules: RuleRegistry.descriptions)
        Terminal.write(Reporter.render(diagnostics, format: format, options: options))
        let failing = diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        return failing ? ExitCode(1) : .success
    }
}

enum Terminal {
    /// Colour only on a TTY, never with NO_COLOR (any value), never for TERM=dumb.
    static func colorEnabled(fd: Int32) -> Bool {
        if getenv("NO_COLOR") != nil { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return isatty(fd) == 1
    }

    static func isTTY(fd: Int32) -> Bool { isatty(fd) == 1 }

    static func write(_ s: String) { writeAll(1, s) }

    static func error(_ s: String) { writeAll(2, s.hasSuffix("\n") ? s : s + "\n") }

    /// Unbuffered full write; output is assembled in memory first, so one syscall usually suffices.
    static func writeAll(_ fd: Int32, _ s: String) {
        var s = s
        s.withUTF8 { buf in
            guard let base = buf.baseAddress else { return }
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, base + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue } else { return } }
                off += n
            }
        }
    }
}

/// Exit 2: input could not be read or processed at all, or an I/O failure.
struct InputFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension InputFailure {
    static let exitCode = ExitCode(2)
}
