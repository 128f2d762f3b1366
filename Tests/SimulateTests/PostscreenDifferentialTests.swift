@testable import ConfigModel
@testable import GatewayCompiler
@testable import Simulate
import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// postscreen's verdicts, differentially: the seed gateway with `[postscreen]` (Debian 3.7) in
/// a real Postfix inside a network namespace whose dnsmasq serves the fixture, and the
/// simulator reading the same fixture. postscreen sees the real peer address (it has no
/// XCLIENT), so each transaction connects from its own loopback address, and each address is
/// used once: postscreen caches a pass, which would change the next verdict for it.
/// Matrix: six DNS/allowlist situations x (waits for the greeting | talks first), three
/// recipients each (accepted, relay denied, unknown user): 36 RCPT replies compared.
final class PostscreenDifferentialTests: XCTestCase {
    /// Address suffix -> the records that make it what it is.
    static let situations: [(name: String, octet: Int, records: [String])] = [
        ("clean", 10, []),
        ("zen", 20, ["zen.spamhaus.org LISTED ADDR 127.0.0.2"]),
        ("zen and DNSWL", 30, ["zen.spamhaus.org LISTED ADDR 127.0.0.4", "list.dnswl.org LISTED ADDR 127.0.10.2"]),
        ("DNSWL only", 40, ["list.dnswl.org LISTED ADDR 127.0.10.3"]),
        ("zen error code", 50, ["zen.spamhaus.org LISTED ADDR 127.255.255.254"]),
        ("allowlisted, in zen", 60, ["zen.spamhaus.org LISTED ADDR 127.0.0.2"]),
    ]

    static let sections = """

        [postscreen]
        threshold = 3
        allow = 127.0.60.0/24
        zen.spamhaus.org = 127.0.0.[2..11]*3
        list.dnswl.org = 127.0.[0..255].[1..3]*-2

        """

    func testPostscreenVerdictsMatchTheSimulator() throws {
        let work = try TestSupport.makeTempDir("gatewayctl-psdiff")
        defer { try? FileManager.default.removeItem(at: work) }
        let seed = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/seed-gateway.conf"),
                              encoding: .utf8)
        let conf = work.appendingPathComponent("gateway.conf")
        try Data((seed + Self.sections).utf8).write(to: conf)
        let loaded = GatewayLoader.load(path: conf.path, overrides: ["gateway.platform=debian", "gateway.postfix=3.7"])
        guard let document = loaded.document else { return XCTFail("did not parse: \(loaded.diagnostics)") }
        let tree = try GatewayEmitter.emit(document.gateway)
        let postfixDir = "/etc/postfix"
        guard let main = tree.file(absolute: postfixDir + "/main.cf"), let master = tree.file(absolute: postfixDir + "/master.cf") else {
            return XCTFail("no main.cf/master.cf")
        }
        // The policy services are not running here (as in DNSDifferentialTests).
        let mainCF = main.contents.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("inet:192.168.40.3:12525") && !$0.contains("inet:192.168.40.3:10023") }
            .joined(separator: "\n")
        var files: [String: String] = [:]
        var hashMaps: [String] = []
        for f in tree.files where f.absolutePath.hasPrefix(postfixDir + "/") {
            let name = String(f.absolutePath.dropFirst(postfixDir.count + 1))
            guard name != "main.cf", name != "master.cf" else { continue }
            files[name] = f.contents
            if f.map?.kind == .hash { hashMaps.append(name) }
        }

        // One address per (situation, talks first); the fixture lists it as the situation says.
        var transactions: [(Transaction, String)] = []
        var fixtureText = DNSDifferentialTests.fixture + "\n"
        for situation in Self.situations {
            for (i, talksFirst) in [false, true].enumerated() {
                let address = "127.0.\(situation.octet).\(i + 2)"
                for record in situation.records { fixtureText += record.replacingOccurrences(of: "ADDR", with: address) + "\n" }
                transactions.append((Transaction(clientAddress: address, helo: "mx.example.net", sender: "a@example.net",
                                                 recipients: ["usuario1@example.com", "x@example.org", "nobody@example.com"],
                                                 talksFirst: talksFirst),
                                     "\(situation.name)\(talksFirst ? ", talks first" : "")"))
            }
        }
        let (fixture, problems) = DNSFixture.parse(fixtureText, file: "fixture")
        XCTAssertEqual(problems.count, 0)

        let namespace = try NetworkNamespace()
        defer { namespace.stop() }
        let dns = try DNSServer(in: namespace, records: DNSDifferentialTests.dnsmasqRecords(fixture))
        defer { dns.stop() }
        let postfix = try PostfixInstance(mainCF: mainCF, masterCF: master.contents, files: files, hashMaps: hashMaps,
                                          configDirectoryAlias: postfixDir, namespace: namespace)
        defer { postfix.stop() }

        let input = try SimulationInput.load(postfixDirectory: postfix.configDirectory.path)
        XCTAssertNotNil(input.postscreenService, "postscreen answers port 25")
        let simulator = Simulator(context: input.context(dns: fixture))

        // The real side, all connections at once: each waits out postscreen's greeting on its own.
        let port = postfix.port
        let actual = ResultList(count: transactions.count)
        let txs = transactions.map(\.0)
        // Each call joins the namespace on a thread of its own; the namespace outlives the loop.
        nonisolated(unsafe) let ns = namespace
        DispatchQueue.concurrentPerform(iterations: txs.count) { i in
            let tx = txs[i]
            actual.set(i, Result { try ns.entered { try PostscreenClient.run(tx, port: port) } })
        }

        var mismatches: [String] = []
        var compared = 0
        var replies: [String] = []
        for (i, (tx, name)) in transactions.enumerated() {
            let predicted = simulator.simulate(tx)
            XCTAssertEqual(predicted.verdicts.flatMap(\.notEvaluated).map(\.restriction), [], "\(name): everything evaluated")
            let real: [String]
            do { real = try actual.get(i) } catch { XCTFail("\(name): \(error)\n\(postfix.log())"); continue }
            for (j, recipient) in tx.recipients.enumerated() {
                compared += 1
                let got = j < real.count ? real[j] : "(no reply)"
                replies.append(got)
                let want = j < predicted.verdicts.count ? predicted.verdicts[j].reply.description : "(no verdict)"
                if got != want { mismatches.append("\(name) [\(tx.clientAddress)] <\(recipient)>\n    postfix:   \(got)\n    predicted: \(want)") }
            }
        }
        XCTAssertEqual(compared, 36)
        XCTAssertEqual(mismatches.count, 0, "\(mismatches.count) of \(compared) differ:\n" + mismatches.joined(separator: "\n")
                       + "\n" + postfix.log())
        // The matrix reaches every verdict, or agreeing would prove little.
        for expected in ["550 5.7.1 Service unavailable; client [127.0.20.2] blocked using zen.spamhaus.org",
                         "550 5.5.1 Protocol error", "250 2.1.5 Ok", "554 5.7.1 <x@example.org>: Relay access denied"] {
            XCTAssertTrue(replies.contains(expected), "no `\(expected)` in the run")
        }
    }
}

/// Results filled in from concurrent threads.
private final class ResultList: @unchecked Sendable {
    private var results: [Result<[String], Error>?]
    private let lock = NSLock()
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<[String], Error>) { lock.lock(); results[i] = r; lock.unlock() }
    func get(_ i: Int) throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        guard let r = results[i] else { throw DaemonError("no result") }
        return try r.get()
    }
}

/// A plain SMTP client bound to a chosen loopback source address (postscreen judges the peer
/// address; there is no XCLIENT before smtpd). Returns the RCPT replies as `code dsn text`.
enum PostscreenClient {
    static func run(_ tx: Transaction, port: UInt16) throws -> [String] {
        let fd = try TestSupport.connectLoopback(from: tx.clientAddress, port: port)
        defer { close(fd) }
        var reader = ReplyReader(fd: fd)
        let commands = ["EHLO \(tx.helo ?? "")", "MAIL FROM:<\(tx.sender)>"] + tx.recipients.map { "RCPT TO:<\($0)>" } + ["QUIT"]
        var replies: [String] = []
        if tx.talksFirst {
            // Everything at once, before the greeting; then every reply until QUIT's closes the
            // connection. The RCPT replies are the ones just before QUIT's.
            try write(fd, commands.map { $0 + "\r\n" }.joined())
            var all: [String] = []
            while let reply = try? reader.reply() { all.append(reply) }
            guard all.last?.hasPrefix("221") == true, all.count >= tx.recipients.count + 1 else {
                throw DaemonError("unexpected replies: \(all)")
            }
            replies = Array(all.dropLast().suffix(tx.recipients.count))
        } else {
            _ = try reader.reply()
            for command in commands.dropLast() {
                try write(fd, command + "\r\n")
                let reply = try reader.reply()
                if command.hasPrefix("RCPT") { replies.append(reply) }
            }
            try write(fd, "QUIT\r\n")
        }
        return replies
    }

    static func write(_ fd: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw DaemonError("short write")
        }
    }

    /// Reads whole replies: lines up to one whose fourth character is a space.
    struct ReplyReader {
        let fd: Int32
        var buffer: [UInt8] = []

        mutating func line() throws -> String {
            while true {
                if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = Array(buffer[..<nl])
                    buffer.removeSubrange(...nl)
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    return String(decoding: line, as: UTF8.self)
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { throw DaemonError("connection closed or timed out; had `\(String(decoding: buffer, as: UTF8.self))`") }
                buffer += chunk[0..<n]
            }
        }

        /// The last line of the reply, `250 2.1.5 Ok`.
        mutating func reply() throws -> String {
            while true {
                let l = try line()
                let bytes = Array(l.utf8)
                if bytes.count < 4 || bytes[3] == UInt8(ascii: " ") { return l }
            }
        }
    }
}
