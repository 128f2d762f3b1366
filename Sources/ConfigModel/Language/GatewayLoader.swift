#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import FileLayer

/// Reads gateway.conf from disk and parses it. `unreadable` tells the CLI to exit 2: the file
/// itself could not be read (missing, permission, a directory), as opposed to findings in it.
public enum GatewayLoader {
    public struct Result: Sendable {
        /// The file as read (empty when unreadable): suppressions are parsed from these bytes,
        /// so the file is read once per command.
        public var bytes: [UInt8]
        public var document: GatewayDocument?
        public var diagnostics: [Diagnostic]
        public var unreadable: Bool
    }

    /// Larger files are refused before reading: no gateway.conf comes near this.
    public static let maxFileBytes = 64 << 20

    public static func load(path: String, overrides: [String] = []) -> Result {
        switch readFile(path) {
        case .failure(let message):
            return Result(bytes: [], document: nil, diagnostics: [SyntaxFinding.unreadableFile.diagnostic(
                message, at: .file(path), fix: "pass the path of a readable gateway.conf")], unreadable: true)
        case .success(let bytes):
            let (doc, diags) = bytes.withUnsafeBufferPointer {
                GatewayParser.parse(bytes: $0, file: path, overrides: overrides)
            }
            return Result(bytes: bytes, document: doc, diagnostics: diags, unreadable: false)
        }
    }

    enum Read { case success([UInt8]), failure(String) }

    static func readFile(_ path: String) -> Read {
        let fd: Int32, size: Int
        do {
            (fd, size) = try InputFile.openRegular(path)
        } catch {
            return .failure("cannot read `\(path)`: \(error.reason)")
        }
        defer { close(fd) }
        guard size <= maxFileBytes else {
            return .failure("cannot read `\(path)`: larger than \(maxFileBytes >> 20) MiB")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure("cannot read `\(path)`: \(FileOpenError(.io, "read", path, code: errno).reason)")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxFileBytes { return .failure("cannot read `\(path)`: larger than \(maxFileBytes >> 20) MiB") }
        }
        return .success(bytes)
    }
}
