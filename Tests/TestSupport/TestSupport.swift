import Foundation
import XCTest

/// Test helpers shared by every test target.
public enum TestSupport {
    /// The package root (…/Tests/TestSupport/TestSupport.swift → …).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// True in CI (`CI=true`): a missing oracle is then a failure, not a skip.
    public static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// A fresh temporary directory, removed by the caller (or left for inspection on failure).
    public static func makeTempDir(_ prefix: String = "gatewayctl-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The result of running a program.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

extension TestSupport {
    /// The gatewayctl binary built beside the test bundle (debug or release, whichever runs).
    public static var gatewayctlPath: String {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent("gatewayctl").path
    }

    /// Runs the built gatewayctl with `arguments`; stdin from `input` when given.
    @discardableResult
    public static func gatewayctl(_ arguments: [String], input: String? = nil, cwd: URL? = nil,
                                  environment: [String: String] = [:]) throws -> ProcessResult {
        try run(gatewayctlPath, arguments, input: input, cwd: cwd, environment: environment)
    }

    /// Runs any program, capturing stdout and stderr completely (no pipe deadlock: both are
    /// drained on their own threads).
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: String? = nil, cwd: URL? = nil,
                           environment: [String: String] = [:]) throws -> ProcessResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let cwd { p.currentDirectoryURL = cwd }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try? inp.fileHandleForWriting.close()
        group.wait()
        p.waitUntilExit()
        return ProcessResult(status: p.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Absolute path of a program on PATH (plus the sbin dirs Debian puts Postfix in), or nil.
    public static func which(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/lib/postfix/sbin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The path of a real-daemon oracle. In CI a missing one fails the test; locally it skips
    /// with the package to install.
    public static func requireTool(_ name: String, package: String, file: StaticString = #filePath,
                                   line: UInt = #line) throws -> String {
        if let p = which(name) { return p }
        let message = "`\(name)` not found: install the Debian package `\(package)` (scripts/setup.sh does)"
        if inCI {
            XCTFail(message, file: file, line: line)
            throw XCTSkip(message)
        }
        throw XCTSkip(message)
    }
}
