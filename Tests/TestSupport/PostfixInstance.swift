import Foundation
import SMTPProbe
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A private, throw-away Postfix 3.7 (Debian's) listening on 127.0.0.1 for one test.
///
/// Everything lives under one temp dir: `etc/` (config_directory: main.cf, master.cf and any
/// `files` you pass, built with postmap when listed in `hashMaps`), `queue/`, `data/` and the
/// `maillog` that `postlogd` writes (read it with `log()` when a test fails). Debian's Postfix
/// needs no `alternate_config_directories` for `postfix -c DIR start` as root, nor an
/// /etc/postfix/main.cf; it does need `data_directory` owned by `postfix`.
///
/// What the harness changes in the configuration you give it, and why:
/// - main.cf gets, in place of any entry of yours with the same name: private queue/data dirs and maillog,
///   Debian's program and ownership settings (an emitted FreeBSD config names /usr/local paths),
///   `inet_interfaces = 127.0.0.1`, `inet_protocols = ipv4`,
///   `smtpd_authorized_xclient_hosts = 127.0.0.1` (so a test poses as any client with
///   `XCLIENT ADDR=/NAME=`), and error limits off (`smtpd_error_sleep_time = 0`, soft/hard/junk
///   limits 1000) so a long matrix on one connection is neither slowed nor cut.
/// - master.cf: the `smtp` inet service listens on 127.0.0.1:`port` (a free port chosen now:
///   never fixed ports, other engineers run tests at the same time); every other inet service
///   moves to its own free loopback port (`servicePorts`, keyed by the original name);
///   every service runs unchrooted (a private queue dir holds no copy of /etc);
///   a `postlog` service is added when missing.
/// - `configDirectoryAlias`: every occurrence of that path (e.g. `/usr/local/etc/postfix` in an
///   emitted FreeBSD config) is replaced by the instance's `configDirectory`. Otherwise write map
///   references as `hash:$config_directory/name`.
///
/// The base configuration (`baseMainCF`, `baseMasterCF`) is Postfix's defaults at
/// compatibility level 3.6 with `mynetworks = 192.0.2.25/32` (TEST-NET-1): the test client on
/// 127.0.0.1 is an outsider unless it says otherwise with XCLIENT.
///
/// `namespace`: run Postfix inside that private network namespace (DNS through the namespace's
/// own resolver, e.g. `TestSupport.startDNSMasq`); `connect()`/`session()` enter it.
///
/// Needs root and the `postfix` package: missing either fails in CI and skips locally.
/// Stops Postfix (SIGKILL to its own master pid and the process group it leads) and removes the temp
/// dir in `stop()` and in deinit, so a failing test leaves nothing running. Set
/// `GATEWAYCTL_KEEP_TEST_DIRS=1` to keep the dir for inspection.
///
/// ```swift
/// let postfix = try PostfixInstance(overrides: ["smtpd_relay_restrictions": "reject_unauth_destination"])
/// defer { postfix.stop() }
/// let smtp = try postfix.session(clientAddress: "203.0.113.9", helo: "mx.example.net")
/// XCTAssertEqual(try smtp.mail(from: "a@example.net").code, 250)
/// let reply = try smtp.rcpt(to: "b@example.org")   // 554 5.7.1 <b@example.org>: Relay access denied
/// ```
public final class PostfixInstance {
    public let root: URL
    public let configDirectory: URL
    public let queueDirectory: URL
    public let dataDirectory: URL
    public let logFile: URL
    /// The smtp service's port on 127.0.0.1.
    public private(set) var port: UInt16 = 0
    /// Other inet services, original service name -> the loopback port they now listen on.
    public private(set) var servicePorts: [String: UInt16] = [:]
    /// main.cf and master.cf exactly as written for Postfix.
    public private(set) var mainCF = ""
    public private(set) var masterCF = ""

    private let postfix: String
    private var running = false
    /// Set when Postfix runs inside a private network namespace (DNS tests).
    public let namespace: NetworkNamespace?

    public static let baseMainCF = """
        compatibility_level = 3.6
        myhostname = gateway.test.example
        mydomain = test.example
        mynetworks = 192.0.2.25/32
        biff = no
        alias_maps =
        alias_database =

        """

    public static let baseMasterCF = """
        smtp      inet  n       -       n       -       -       smtpd
        pickup    unix  n       -       n       60      1       pickup
        cleanup   unix  n       -       n       -       0       cleanup
        qmgr      unix  n       -       n       300     1       qmgr
        tlsmgr    unix  -       -       n       1000?   1       tlsmgr
        rewrite   unix  -       -       n       -       -       trivial-rewrite
        bounce    unix  -       -       n       -       0       bounce
        defer     unix  -       -       n       -       0       bounce
        trace     unix  -       -       n       -       0       bounce
        verify    unix  -       -       n       -       1       verify
        flush     unix  n       -       n       1000?   0       flush
        proxymap  unix  -       -       n       -       -       proxymap
        proxywrite unix -       -       n       -       1       proxymap
        smtp      unix  -       -       n       -       -       smtp
        relay     unix  -       -       n       -       -       smtp
        showq     unix  n       -       n       -       -       showq
        error     unix  -       -       n       -       -       error
        retry     unix  -       -       n       -       -       error
        discard   unix  -       -       n       -       -       discard
        local     unix  -       n       n       -       -       local
        virtual   unix  -       n       n       -       -       virtual
        lmtp      unix  -       -       n       -       -       lmtp
        anvil     unix  -       -       n       -       1       anvil
        scache    unix  -       -       n       -       1       scache
        postlog   unix-dgram n  -       n       -       1       postlogd

        """

    /// The base configuration with `overrides` (parameter -> value) appended.
    public convenience init(overrides: [String: String] = [:], files: [String: String] = [:],
                            hashMaps: [String] = [], namespace: NetworkNamespace? = nil,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        try self.init(mainCF: Self.baseMainCF, masterCF: Self.baseMasterCF, overrides: overrides,
                      files: files, hashMaps: hashMaps, namespace: namespace, file: file, line: line)
    }

    /// Your own main.cf/master.cf (see the type's comment for what the harness changes).
    /// `files`: name (relative to the config dir) -> content; `hashMaps`: names among them to
    /// build with `postmap hash:`.
    public init(mainCF: String, masterCF: String = PostfixInstance.baseMasterCF,
                overrides: [String: String] = [:], files: [String: String] = [:], hashMaps: [String] = [],
                configDirectoryAlias: String? = nil, namespace: NetworkNamespace? = nil,
                file: StaticString = #filePath, line: UInt = #line) throws {
        self.namespace = namespace
        postfix = try TestSupport.requireTool("postfix", package: "postfix", file: file, line: line)
        guard geteuid() == 0 else {
            let message = "a private Postfix instance needs root (`postfix start` runs master as root)"
            if TestSupport.inCI { XCTFail(message, file: file, line: line) }
            throw XCTSkip(message)
        }
        root = try TestSupport.makeTempDir("gatewayctl-postfix")
        configDirectory = root.appendingPathComponent("etc")
        queueDirectory = root.appendingPathComponent("queue")
        dataDirectory = root.appendingPathComponent("data")
        logFile = root.appendingPathComponent("maillog")
        do {
            try prepare(files: files)
            try start(mainCF: mainCF, masterCF: masterCF, overrides: overrides, alias: configDirectoryAlias,
                      hashMaps: hashMaps)
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    // MARK: - Talking to it

    /// A new connection to the smtp service with the greeting read.
    public func connect(timeout: Duration = .seconds(20)) throws -> SMTPConnection {
        let open = { try SMTPConnection(host: "127.0.0.1", port: self.port, commandTimeout: timeout) }
        let connection = try namespace.map { try $0.entered(open) } ?? open()
        let greeting = try connection.readReply()
        guard greeting.code == 220 else { throw DaemonError("postfix greeted with `\(greeting)`\n\(log())") }
        return connection
    }

    /// A connection posing as `clientAddress`/`clientName` (XCLIENT), then EHLO `helo`
    /// (or no HELO at all when nil). A nil `clientName` means a client without a verified name:
    /// Postfix sees `unknown`.
    public func session(clientAddress: String, clientName: String? = nil, helo: String? = "client.test.example")
        throws -> SMTPConnection {
        let connection = try connect()
        _ = try connection.ehlo("harness.test.example")
        let reply = try connection.xclient(name: clientName ?? "[UNAVAILABLE]", addr: clientAddress)
        guard reply.code == 220 else { throw DaemonError("XCLIENT refused: `\(reply)`") }
        if let helo { _ = try connection.ehlo(helo) }
        return connection
    }

    /// The maillog so far (Postfix's own messages: fatal errors, rejects).
    public func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no maillog)"
    }

    /// `postconf -c DIR ARGS...` against this instance.
    public func postconf(_ arguments: [String]) throws -> ProcessResult {
        let postconf = TestSupport.which("postconf") ?? "/usr/sbin/postconf"
        return try TestSupport.run(postconf, ["-c", configDirectory.path] + arguments)
    }

    // MARK: - Lifecycle

    /// Stops Postfix and removes the temp dir. Safe to call twice.
    public func stop() {
        if running {
            running = false
            killProcessGroup()
        }
        if ProcessInfo.processInfo.environment["GATEWAYCTL_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(at: root)
        }
    }

    private func prepare(files: [String: String]) throws {
        let fm = FileManager.default
        for dir in [configDirectory, queueDirectory, dataDirectory] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        // master.lock and the TLS/verify caches live here; master refuses a root-owned one.
        try fm.setAttributes([.ownerAccountName: "postfix", .groupOwnerAccountName: "postfix"],
                             ofItemAtPath: dataDirectory.path)
        try createQueueTree()
        for (name, content) in files.sorted(by: { $0.key < $1.key }) {
            let url = configDirectory.appendingPathComponent(name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try writeAged(content, to: url)
        }
    }

    /// The queue subdirectories as `postfix post-install create-missing` makes them (owner,
    /// group, mode from /etc/postfix/postfix-files). Made here because post-install takes over
    /// two seconds per instance; `postfix start` still runs its integrity checks over them.
    private func createQueueTree() throws {
        let fm = FileManager.default
        let tree: [(String, String, String, Int)] = [
            ("active", "postfix", "root", 0o700), ("bounce", "postfix", "root", 0o700),
            ("corrupt", "postfix", "root", 0o700), ("defer", "postfix", "root", 0o700),
            ("deferred", "postfix", "root", 0o700), ("flush", "postfix", "root", 0o700),
            ("hold", "postfix", "root", 0o700), ("incoming", "postfix", "root", 0o700),
            ("private", "postfix", "root", 0o700), ("saved", "postfix", "root", 0o700),
            ("trace", "postfix", "root", 0o700), ("maildrop", "postfix", "postdrop", 0o730),
            ("public", "postfix", "postdrop", 0o710), ("pid", "root", "root", 0o755),
        ]
        for (name, owner, group, mode) in tree {
            let path = queueDirectory.appendingPathComponent(name).path
            try fm.createDirectory(atPath: path, withIntermediateDirectories: false)
            try fm.setAttributes([.ownerAccountName: owner, .groupOwnerAccountName: group,
                                  .posixPermissions: mode], ofItemAtPath: path)
        }
    }

    /// postmap needs main.cf in place (it reads the config dir), so maps are built after it.
    private func buildMaps(_ hashMaps: [String]) throws {
        guard !hashMaps.isEmpty else { return }
        let postmap = try TestSupport.requireTool("postmap", package: "postfix")
        for name in hashMaps {
            let result = try TestSupport.run(postmap, ["-c", configDirectory.path,
                                                       "hash:" + configDirectory.appendingPathComponent(name).path])
            guard result.status == 0 else { throw DaemonError("postmap \(name): \(result.stderr)") }
        }
    }

    private func start(mainCF: String, masterCF: String, overrides: [String: String], alias: String?,
                       hashMaps: [String]) throws {
        var lastError: Error = DaemonError("postfix did not start")
        for _ in 0..<3 {
            port = try TestSupport.freeLoopbackPort()
            var rewritten = try Self.rewriteMasterCF(masterCF, smtpPort: port)
            servicePorts = rewritten.ports
            if let alias {
                rewritten.text = rewritten.text.replacingOccurrences(of: alias, with: configDirectory.path)
            }
            self.masterCF = rewritten.text
            self.mainCF = composeMainCF(mainCF, overrides: overrides, alias: alias)
            try writeAged(self.mainCF, to: configDirectory.appendingPathComponent("main.cf"))
            try writeAged(self.masterCF, to: configDirectory.appendingPathComponent("master.cf"))
            try buildMaps(hashMaps)

            let result = try control("start")
            if result.status == 0 {
                running = true
                do {
                    let wait = { try TestSupport.waitForLoopbackPort(self.port) { self.readMasterPID().map { kill($0, 0) == 0 } ?? true } }
                    try namespace.map { try $0.entered(wait) } ?? wait()
                    return
                } catch {
                    lastError = DaemonError("\(error)\n\(log())")
                }
            } else {
                lastError = DaemonError("`postfix -c \(configDirectory.path) start` failed (\(result.status)):\n"
                                        + result.output + log())
            }
            stopForRetry()
            // Only a lost port race is worth another try; anything else is the config's fault.
            guard log().contains("Address already in use") else { break }
        }
        throw lastError
    }

    /// Writes `text` and dates it a minute back: Postfix re-reads a config file, sleeping 300 ms
    /// each time, until its mtime is over a second old (it might be half-written), which would
    /// add seconds to every start.
    private func writeAged(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)],
                                              ofItemAtPath: url.path)
    }

    /// `postfix -c DIR VERB` with output to a file: a pipe would be held open by the daemonized
    /// master and postfix-script's background checks, and reading it to EOF would stall.
    private func control(_ verb: String) throws -> (status: Int32, output: String) {
        let outputFile = root.appendingPathComponent("postfix-\(verb).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        defer { try? handle.close() }
        let process = Process()
        // Inside a namespace, `ip netns exec` also gives Postfix the namespace's resolv.conf.
        let command = namespace?.wrap([postfix, "-c", configDirectory.path, verb]) ?? [postfix, "-c", configDirectory.path, verb]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
    }

    private func stopForRetry() {
        guard running else { return }
        running = false
        killProcessGroup()
    }

    /// `postfix abort` for a throw-away instance: SIGKILL to master and to the process group it
    /// leads (master calls setsid, so the group id is its pid and holds only its children).
    /// A graceful SIGTERM costs master about two seconds; nothing here is worth keeping.
    private func killProcessGroup() {
        guard let pid = readMasterPID(), pid > 1 else { return }
        if getpgid(pid) == pid { kill(-pid, SIGKILL) } else { kill(pid, SIGKILL) }
        _ = waitForExit(pid, seconds: 3)
    }

    private func composeMainCF(_ text: String, overrides: [String: String], alias: String?) -> String {
        var source = text
        if let alias { source = source.replacingOccurrences(of: alias, with: configDirectory.path) }
        var settings: [(String, String)] = overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        settings += [
            ("queue_directory", queueDirectory.path), ("data_directory", dataDirectory.path),
            ("maillog_file", logFile.path), ("maillog_file_prefixes", root.path),
            ("command_directory", "/usr/sbin"), ("daemon_directory", "/usr/lib/postfix/sbin"),
            ("shlib_directory", "/usr/lib/postfix"), ("meta_directory", "/etc/postfix"),
            ("mail_owner", "postfix"), ("setgid_group", "postdrop"), ("sendmail_path", "/usr/sbin/sendmail"),
            ("newaliases_path", "/usr/bin/newaliases"), ("mailq_path", "/usr/bin/mailq"),
            ("manpage_directory", "/usr/share/man"), ("sample_directory", "/etc/postfix"),
            ("readme_directory", "no"), ("html_directory", "no"),
            ("inet_interfaces", "127.0.0.1"), ("inet_protocols", "ipv4"),
            ("smtpd_authorized_xclient_hosts", "127.0.0.1"), ("smtpd_error_sleep_time", "0"),
            ("smtpd_soft_error_limit", "1000"), ("smtpd_hard_error_limit", "1000"),
            ("smtpd_junk_command_limit", "1000"),
        ]
        // Replace, do not append: every "overriding earlier entry" warning is logged by every
        // daemon through postlogd, and postlogd logging its own warnings to itself can fill
        // the datagram queue and deadlock the whole instance.
        let names = Set(settings.map(\.0))
        var out = Self.removingEntries(named: names, from: source)
        if !out.isEmpty, !out.hasSuffix("\n") { out += "\n" }
        out += "# --- test harness (PostfixInstance) ---\n"
        for (name, value) in settings { out += "\(name) = \(value)\n" }
        return out
    }

    /// main.cf without the logical lines (continuations included) that set one of `names`.
    static func removingEntries(named names: Set<String>, from text: String) -> String {
        var out: [Substring] = []
        var skipping = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t" {
                if !skipping { out.append(line) }
                continue
            }
            let name = line.prefix { $0 != "=" && $0 != " " && $0 != "\t" }
            skipping = !line.hasPrefix("#") && line.contains("=") && names.contains(String(name))
            if !skipping { out.append(line) }
        }
        return out.joined(separator: "\n")
    }

    /// Moves inet services onto loopback ports and turns chroot off (see the type's comment).
    public static func rewriteMasterCF(_ text: String, smtpPort: UInt16) throws -> (text: String, ports: [String: UInt16]) {
        var ports: [String: UInt16] = [:]
        var lines: [String] = []
        var hasPostlog = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let first = line.first
            guard let first, first != "#", first != " ", first != "\t" else { lines.append(String(line)); continue }
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 8 else { lines.append(String(line)); continue }
            if fields[0] == "postlog" { hasPostlog = true }
            if fields[1] == "inet" {
                let service = fields[0]
                let portName = service.split(separator: ":").last.map(String.init) ?? service
                if portName == "smtp" || portName == "25" {
                    fields[0] = "127.0.0.1:\(smtpPort)"
                } else {
                    let free = try TestSupport.freeLoopbackPort()
                    ports[service] = free
                    fields[0] = "127.0.0.1:\(free)"
                }
            }
            fields[4] = "n"
            lines.append(fields.joined(separator: " "))
        }
        if !hasPostlog { lines.append("postlog unix-dgram n - n - 1 postlogd") }
        return (lines.joined(separator: "\n") + "\n", ports)
    }

    private func readMasterPID() -> pid_t? {
        let url = queueDirectory.appendingPathComponent("pid/master.pid")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// True once `pid` is gone or a zombie (master's parent is init, which may reap late).
    private func waitForExit(_ pid: pid_t, seconds: Int) -> Bool {
        func gone() -> Bool {
            if kill(pid, 0) != 0 { return true }
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            return stat[close...].dropFirst(2).first == "Z"
        }
        for _ in 0..<(seconds * 50) {
            if gone() { return true }
            usleep(20_000)
        }
        return gone()
    }
}
