import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// posix_spawn + waitpid with temp files for stdin/stdout/stderr: Foundation's Process costs
/// ~50 ms per run on Linux, and the differential suite runs postmap hundreds of times.
enum Spawn {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct BytesResult {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    static func run(_ path: String, _ args: [String], input: String? = nil) throws -> Result {
        let r = try runBytes(path, args, input: Array((input ?? "").utf8))
        return Result(status: r.status, stdout: String(bytes: r.stdout, encoding: .utf8) ?? "",
                      stderr: String(bytes: r.stderr, encoding: .utf8) ?? "")
    }

    /// As `run`, with stdin, stdout and stderr as raw bytes.
    static func runBytes(_ path: String, _ args: [String], input: [UInt8] = []) throws -> BytesResult {
        try runBytes(path, arguments: args.map { Array($0.utf8) }, input: input)
    }

    /// As `runBytes`, with arguments as raw bytes (a key that is not UTF-8).
    static func runBytes(_ path: String, arguments args: [[UInt8]], input: [UInt8] = []) throws -> BytesResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inPath = dir.appendingPathComponent("in").path
        let outPath = dir.appendingPathComponent("out").path
        let errPath = dir.appendingPathComponent("err").path
        try Data(input).write(to: URL(fileURLWithPath: inPath))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([Array(path.utf8)] + args).map { bytes -> UnsafeMutablePointer<CChar>? in
            let p = malloc(bytes.count + 1)!.assumingMemoryBound(to: CChar.self)
            for (i, b) in bytes.enumerated() { p[i] = CChar(bitPattern: b) }
            p[bytes.count] = 0
            return p
        } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw NSError(domain: "spawn", code: Int(rc)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7F == 0
        func bytes(_ p: String) -> [UInt8] { (try? Data(contentsOf: URL(fileURLWithPath: p))).map { Array($0) } ?? [] }
        return BytesResult(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
                           stdout: bytes(outPath), stderr: bytes(errPath))
    }
}
