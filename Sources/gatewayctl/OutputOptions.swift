import ArgumentParser
import ConfigModel
import FoundationEssentials

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
    /// `linted` (lint) names what was read in the summary; `inputFailed` makes the status 2
    /// (and says so in JSON and SARIF); `baseDirectory` makes SARIF and GitHub paths relative.
    func report(_ diagnostics: [Diagnostic], linted: [String]? = nil, inputFailed: Bool = false,
                baseDirectory: String? = nil) -> ExitCode {
        let failing = diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        let status: Int32 = inputFailed ? 2 : failing ? 1 : 0
        // The rule catalogue is SARIF's alone (`tool.driver.rules`): not built for the others.
        var options = ReportOptions(color: format == .text && Terminal.colorEnabled(fd: 1),
                                    toolVersion: GatewayCtl.version,
                                    rules: format == .sarif ? RuleRegistry.descriptions : [])
        if linted != nil {
            options.linted = linted
            options.exitStatus = Int(status)
        }
        var shown = diagnostics
        if let baseDirectory, format == .sarif || format == .github {
            shown = RelativePaths.relativize(diagnostics, to: baseDirectory, cwd: FileManager.default.currentDirectoryPath)
        }
        Terminal.write(Reporter.render(shown, format: format, options: options))
        return ExitCode(status)
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

    /// Bytes as they are (table keys and values need not be UTF-8: no U+FFFD).
    static func write(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { writeAll(1, $0) }
    }

    static func error(_ s: String) { writeAll(2, s.hasSuffix("\n") ? s : s + "\n") }

    /// Unbuffered full write; output is assembled in memory first, so one syscall usually suffices.
    static func writeAll(_ fd: Int32, _ s: String) {
        var s = s
        s.withUTF8 { writeAll(fd, $0) }
    }

    static func writeAll(_ fd: Int32, _ buf: UnsafeBufferPointer<UInt8>) {
        guard let base = buf.baseAddress else { return }
        var off = 0
        while off < buf.count {
            let n = Glibc.write(fd, base + off, buf.count - off)
            if n < 0 { if errno == EINTR { continue } else { return } }
            off += n
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
