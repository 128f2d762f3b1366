import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// CLONE_NEWNET from <sched.h> (not exported by the Glibc module without _GNU_SOURCE).
private let cloneNewNet: Int32 = 0x4000_0000

@_silgen_name("setns")
private func c_setns(_ fd: Int32, _ nstype: Int32) -> Int32

/// A private network namespace (`ip netns add`) with its own loopback, so a test can run a DNS
/// server on 127.0.0.1:53 and a Postfix that resolves through it, without touching the host's
/// resolver or ports. `ip netns exec` also bind-mounts `/etc/netns/NAME/resolv.conf` (which says
/// `nameserver 127.0.0.1`) over /etc/resolv.conf for whatever it starts.
///
/// The test talks to daemons inside with `entered { … }`: the calling thread joins the
/// namespace (setns) for the closure, so sockets it opens live there, then returns.
/// `stop()`/deinit deletes the namespace and its /etc/netns dir. Needs root and iproute2.
public final class NetworkNamespace {
    public let name: String
    private let ip: String
    private var active = true

    public init(file: StaticString = #filePath, line: UInt = #line) throws {
        ip = try TestSupport.requireTool("ip", package: "iproute2", file: file, line: line)
        guard geteuid() == 0 else {
            let message = "a network namespace needs root"
            if TestSupport.inCI { XCTFail(message, file: file, line: line) }
            throw XCTSkip(message)
        }
        name = "gwtest-\(UUID().uuidString.prefix(8).lowercased())"
        try checked([ip, "netns", "add", name])
        do {
            try checked([ip, "netns", "exec", name, ip, "link", "set", "lo", "up"])
            let etc = URL(fileURLWithPath: "/etc/netns/\(name)")
            try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
            try Data("nameserver 127.0.0.1\n".utf8).write(to: etc.appendingPathComponent("resolv.conf"))
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// `ip netns exec NAME` + `command`: the argument vector for Process.
    public func wrap(_ command: [String]) -> [String] { [ip, "netns", "exec", name] + command }

    /// Runs `body` on a helper thread that has joined the namespace (setns), waiting for it:
    /// sockets opened there live in the namespace. The caller's own thread never moves, so
    /// nothing else (Foundation's process monitoring, other sockets) is affected.
    public func entered<T>(_ body: @escaping () throws -> T) throws -> T {
        let path = "/run/netns/\(name)"
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        // The caller blocks until the thread ends, so the closure never runs concurrently with it.
        nonisolated(unsafe) let work = body
        let thread = Thread {
            defer { done.signal() }
            let target = open(path, O_RDONLY | O_CLOEXEC)
            defer { if target >= 0 { close(target) } }
            guard target >= 0, c_setns(target, cloneNewNet) == 0 else {
                box.result = .failure(DaemonError("cannot enter network namespace \(path): \(String(cString: strerror(errno)))"))
                return
            }
            box.result = Result { try work() }
        }
        thread.start()
        done.wait()
        guard let result = box.result else { throw DaemonError("namespace thread produced nothing") }
        return try result.get()
    }

    public func stop() {
        guard active else { return }
        active = false
        _ = try? TestSupport.run(ip, ["netns", "delete", name])
        try? FileManager.default.removeItem(atPath: "/etc/netns/\(name)")
    }

    private func checked(_ command: [String]) throws {
        let result = try TestSupport.run(command[0], Array(command.dropFirst()))
        guard result.status == 0 else { throw DaemonError("\(command.joined(separator: " ")): \(result.stderr)") }
    }
}

/// Carries a helper thread's result back to the waiting caller (the semaphore orders access).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// dnsmasq on 127.0.0.1:53 inside a `NetworkNamespace`, authoritative for every name: the
/// records given, NXDOMAIN for the rest. It runs daemonized (pid file in a temp dir) rather than
/// as a child of the test: a long-lived `ip netns exec` child was seen to stall Foundation's
/// reaping of later children. `stop()`/deinit kills that pid only.
public final class DNSServer {
    public let directory: URL
    private var pid: pid_t?

    /// `records` are dnsmasq options without the leading dashes, e.g.
    /// `host-record=example.net,192.0.2.10`, `mx-host=example.com,mail.example.com,10`.
    public init(in namespace: NetworkNamespace, records: [String], file: StaticString = #filePath,
                line: UInt = #line) throws {
        let dnsmasq = try TestSupport.requireTool("dnsmasq", package: "dnsmasq-base", file: file, line: line)
        directory = try TestSupport.makeTempDir("gatewayctl-dnsmasq")
        let pidFile = directory.appendingPathComponent("dnsmasq.pid").path
        let command = namespace.wrap([dnsmasq, "--listen-address=127.0.0.1", "--bind-interfaces", "--port=53",
                                      "--no-resolv", "--no-hosts", "--local=/#/", "--user=root",
                                      "--pid-file=\(pidFile)"] + records.map { "--" + $0 })
        let result = try TestSupport.run(command[0], Array(command.dropFirst()))
        pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard result.status == 0, pid != nil else {
            stop()
            throw DaemonError("dnsmasq did not start: \(result.stdout)\(result.stderr)")
        }
        do {
            try namespace.entered { try TestSupport.waitForLoopbackPort(53) }
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    public func stop() {
        if let pid { kill(pid, SIGTERM) }
        pid = nil
        if ProcessInfo.processInfo.environment["GATEWAYCTL_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
