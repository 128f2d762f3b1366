import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A foreground daemon the test started (smtp-sink, postgrey): it listens on
/// 127.0.0.1:`port` and is stopped (SIGTERM, then SIGKILL, to its own pid only) by `stop()`
/// or deinit.
public final class TestDaemon {
    public let name: String
    public let port: UInt16
    /// Scratch dir for the daemon's files, removed on stop.
    public let directory: URL
    private let process: Process
    private let output: URL

    /// Starts `executable` with the arguments `makeArguments(port, directory)` builds and waits
    /// until the port answers. Retries with a new port when the first one was taken meanwhile.
    public init(name: String, executable: String, directory: URL? = nil,
                makeArguments: (UInt16, URL) -> [String]) throws {
        self.name = name
        self.directory = try directory ?? TestSupport.makeTempDir("gatewayctl-\(name)")
        output = self.directory.appendingPathComponent("\(name).out")
        var attempt = 0
        while true {
            attempt += 1
            let port = try TestSupport.freeLoopbackPort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = makeArguments(port, self.directory)
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            try? handle.close()
            do {
                try TestSupport.waitForLoopbackPort(port) { process.isRunning }
                self.port = port
                self.process = process
                return
            } catch {
                Self.terminate(process)
                let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                if attempt < 3 && text.localizedCaseInsensitiveContains("in use") { continue }
                try? FileManager.default.removeItem(at: self.directory)
                throw DaemonError("\(name) did not start: \(error)\n\(text)")
            }
        }
    }

    deinit { stop() }

    /// What the daemon printed so far.
    public var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    public func stop() {
        Self.terminate(process)
        if ProcessInfo.processInfo.environment["GATEWAYCTL_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    private static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<60 where process.isRunning { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

extension TestSupport {
    /// `smtp-sink` on a free loopback port: accepts every command (the inside mail server, or a
    /// server that relays anything). Runs as `nobody` after binding.
    public static func startSMTPSink(file: StaticString = #filePath, line: UInt = #line) throws -> TestDaemon {
        let sink = try requireTool("smtp-sink", package: "postfix", file: file, line: line)
        return try TestDaemon(name: "smtp-sink", executable: sink) { port, _ in
            ["-u", "nobody", "127.0.0.1:\(port)", "64"]
        }
    }

    /// postgrey on a free loopback port with a private database dir (owned by the `postgrey`
    /// user it switches to). First sight of a triplet answers `DEFER_IF_PERMIT Greylisted, …`.
    /// `extraArguments` e.g. `["--delay=300", "--greylist-text=…"]`.
    public static func startPostgrey(extraArguments: [String] = [], file: StaticString = #filePath,
                                     line: UInt = #line) throws -> TestDaemon {
        let postgrey = try requireTool("postgrey", package: "postgrey", file: file, line: line)
        let dir = try makeTempDir("gatewayctl-postgrey")
        let db = dir.appendingPathComponent("db")
        try FileManager.default.createDirectory(at: db, withIntermediateDirectories: true)
        if geteuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgrey"], ofItemAtPath: db.path)
        }
        return try TestDaemon(name: "postgrey", executable: postgrey, directory: dir) { port, _ in
            ["--inet=127.0.0.1:\(port)", "--dbdir=\(db.path)"] + extraArguments
        }
    }
}
