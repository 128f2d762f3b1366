import Foundation
import SMTPProbe
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Two gateways built from one gateway.conf with `engine = rspamd` (`--set` gives each its own
/// milter address), each a real Postfix + rspamd pair, sharing one redis-server; one clamd whose
/// only signature is the EICAR file's MD5 (`sigtool --md5`); smtp-sink as the inside server.
///
/// Everything runs in a private network namespace: rspamd looks up SPF, DKIM, DMARC and DNSBL
/// records and its map URLs, and must not reach the Internet. The namespace's resolver is a
/// dnsmasq answering NXDOMAIN for every name (fast, so scans do not wait for DNS timeouts); its
/// hosts file answers for the packaged fuzzy_check servers, which rspamd resolves at start.
///
/// Changed for the run, and why: listeners on 127.0.0.1 and free ports (`--set`), `loopback =
/// yes`; rspamd's CONFDIR/LOCAL_CONFDIR point at a copy of Debian's /etc/rspamd with the emitted
/// local.d/override.d laid over it, and its RUNDIR/DBDIR/LOGDIR at private dirs (two instances
/// on one machine); clamd's log/pid in the temp dir and `LocalSocketMode 666` with no `User`
/// (rspamd's own user must reach the socket in a root-owned temp dir). Greylisting waits 3 s.
/// rspamd answers the standard GTUBE string with `reject` whatever the thresholds say, so the
/// tagging gateway (B, `reject-score = off`) also gets `enable_test_patterns`, under which
/// rspamd's `YJS*...` variant of GTUBE asks for `add header`: that is what B must tag.
/// Daemons inside the namespace run detached (pid files): see `DNSServer` on why not as
/// children of `ip netns exec`.
final class RspamdEndToEndTests: XCTestCase {
    static let eicar = #"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"#
    static let gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
    /// rspamd's test variant that asks for `add header` (read only with `enable_test_patterns`).
    static let gtubeAddHeader = "YJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
    static let delay: UInt32 = 3

    /// A daemon started inside the namespace that detaches itself (or is detached by `sh`).
    final class Detached {
        let name: String, pidFile: String, log: String
        init(_ name: String, in ns: NetworkNamespace, _ command: [String], dir: String, selfDaemonizing: Bool = false,
             pidFile: String? = nil) throws {
            self.name = name
            self.pidFile = pidFile ?? dir + "/\(name).pid"
            log = dir + "/\(name).out"
            let argv: [String]
            if selfDaemonizing {
                argv = ns.wrap(command)
            } else {
                argv = ns.wrap(["/bin/sh", "-c", "\"$@\" >\(log) 2>&1 </dev/null & echo $! >\(self.pidFile)", "sh"] + command)
            }
            let status = try Self.spawnAndWait(argv)
            guard status == 0 else { throw DaemonError("\(name) did not start (status \(status)): \(output)") }
        }

        /// posix_spawn + waitpid on that pid: Foundation's Process was seen to leave the exited
        /// `ip netns exec` child a zombie and wait forever (see `DNSServer`).
        static func spawnAndWait(_ argv: [String]) throws -> Int32 {
            var pid: pid_t = 0
            var cargs = argv.map { strdup($0) } + [nil]
            defer { for a in cargs { free(a) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
            guard rc == 0 else { throw DaemonError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 {
                if errno == EINTR { continue }
                return 0  // reaped by someone else: the pid file tells whether it started
            }
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
        var pid: pid_t? {
            (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        func stop() {
            guard let pid, kill(pid, 0) == 0 else { return }
            kill(pid, SIGTERM)
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    }

    func testTwoRspamdGatewaysShareGreylistingAndFailClosed() throws {
        _ = try TestSupport.requireTool("postfix", package: "postfix")
        let sinkTool = try TestSupport.requireTool("smtp-sink", package: "postfix")
        let clamd = try TestSupport.requireTool("clamd", package: "clamav-daemon")
        let sigtool = try TestSupport.requireTool("sigtool", package: "clamav")
        let rspamd = try TestSupport.requireTool("rspamd", package: "rspamd")
        let redis = try TestSupport.requireTool("redis-server", package: "redis-server")
        guard geteuid() == 0 else { throw XCTSkip("Postfix, rspamd and network namespaces need root") }

        let work = try TestSupport.makeTempDir("gatewayctl-rspamd-e2e")
        defer { if ProcessInfo.processInfo.environment["GATEWAYCTL_KEEP_TEST_DIRS"] == nil { try? FileManager.default.removeItem(at: work) } }
        let fm = FileManager.default
        func path(_ name: String) -> String { work.appendingPathComponent(name).path }
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work.path)

        let ns = try NetworkNamespace()
        defer { ns.stop() }
        try Data("127.0.0.1 localhost\n192.0.2.201 fuzzy1.rspamd.com\n192.0.2.202 fuzzy2.rspamd.com\n".utf8)
            .write(to: URL(fileURLWithPath: "/etc/netns/\(ns.name)/hosts"))
        let dns = try DNSServer(in: ns, records: [])
        defer { dns.stop() }
        var daemons: [Detached] = []
        defer { for d in daemons.reversed() { d.stop() } }
        func waitForPort(_ port: UInt16, _ d: Detached, timeout: Duration = .seconds(30)) throws {
            do {
                try ns.entered { try TestSupport.waitForLoopbackPort(port, timeout: timeout) { d.pid.map { kill($0, 0) == 0 } ?? true } }
            } catch {
                throw DaemonError("\(d.name): \(error)\n\(d.output)")
            }
        }

        // The inside mail server.
        let sinkPort = try TestSupport.freeLoopbackPort()
        try fm.createDirectory(atPath: path("sink"), withIntermediateDirectories: true)
        try fm.setAttributes([.posixPermissions: 0o777], ofItemAtPath: path("sink"))
        let sink = try Detached("smtp-sink", in: ns, [sinkTool, "-u", "nobody", "-D", path("sink/mail"), "127.0.0.1:\(sinkPort)", "64"],
                                dir: work.path)
        daemons.append(sink)
        try waitForPort(sinkPort, sink)
        func delivered() -> String { (try? String(contentsOfFile: path("sink/mail"), encoding: .utf8)) ?? "" }

        // One Redis for both gateways.
        let redisPort = try TestSupport.freeLoopbackPort()
        let redisDaemon = try Detached("redis", in: ns, [redis, "--port", "\(redisPort)", "--bind", "127.0.0.1", "--save", "",
                                                         "--appendonly", "no", "--dir", work.path, "--daemonize", "yes",
                                                         "--pidfile", path("redis.pid"), "--logfile", path("redis.out")],
                                       dir: work.path, selfDaemonizing: true)
        daemons.append(redisDaemon)
        try waitForPort(redisPort, redisDaemon)

        // clamd with the EICAR signature only, on a local socket.
        try fm.createDirectory(atPath: path("db"), withIntermediateDirectories: true)
        try Data(Self.eicar.utf8).write(to: URL(fileURLWithPath: path("eicar.com")))
        let sig = try TestSupport.run(sigtool, ["--md5", path("eicar.com")])
        XCTAssertEqual(sig.status, 0, sig.stderr)
        try Data(sig.stdout.utf8).write(to: URL(fileURLWithPath: path("db/eicar.hdb")))

        // One gateway.conf; each gateway gets its own milter address.
        let milterA = try TestSupport.freeLoopbackPort(), milterB = try TestSupport.freeLoopbackPort()
        let conf = """
            [gateway]
            hostname = spam.example.com
            domain = example.com
            platform = debian
            postfix = 3.7
            loopback = yes

            [relay]
            domains = example.com
            mail-server = 127.0.0.1:\(sinkPort)
            trusted = 192.0.2.25/32

            [recipients]
            usuario1@example.com

            [greylisting]
            delay = \(Self.delay)
            expiry = 1h

            [antivirus]
            socket = \(path("clamd.sock"))
            database-directory = \(path("db"))

            [content-filter]
            engine = rspamd
            listen = 127.0.0.1:11332

            [spamassassin]
            required-score = 5.0

            [rspamd]
            redis = 127.0.0.1:\(redisPort)
            dns = 127.0.0.1

            """
        try Data(conf.utf8).write(to: URL(fileURLWithPath: path("gateway.conf")))
        func build(_ name: String, _ sets: [String]) throws -> URL {
            let out = work.appendingPathComponent(name)
            let r = try TestSupport.gatewayctl(["build", path("gateway.conf"), "--out", out.path] + sets.flatMap { ["--set", $0] })
            guard r.status == 0 else { throw DaemonError("build \(name) failed: \(r.stdout)\(r.stderr)") }
            return out
        }
        let outA = try build("a", ["content-filter.listen=127.0.0.1:\(milterA)"])
        // The second gateway only tags spam: GTUBE is delivered with its verdict in a header.
        let outB = try build("b", ["content-filter.listen=127.0.0.1:\(milterB)", "rspamd.reject-score=off"])

        let clamdConf = try String(contentsOf: outA.appendingPathComponent("etc/clamav/clamd.conf"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("User ") && !$0.hasPrefix("LogFile ") && !$0.hasPrefix("PidFile ") && !$0.hasPrefix("LocalSocketMode ") }
            + ["LogFile \(path("clamd.log"))", "PidFile \(path("clamd.pid"))", "LocalSocketMode 666"]
        try Data((clamdConf.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path("clamd.conf")))
        let clamdDaemon = try Detached("clamd", in: ns, [clamd, "-c", path("clamd.conf")], dir: work.path, selfDaemonizing: true,
                                       pidFile: path("clamd.pid"))
        daemons.append(clamdDaemon)

        // Both rspamd instances start at once (each compiles its regexps for half a minute).
        func startRspamd(_ name: String, _ out: URL) throws -> Detached {
            let dir = path("rspamd-" + name)
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = try TestSupport.run("/bin/cp", ["-a", "/etc/rspamd", dir + "/rspamd"])
            let root = dir + "/rspamd"
            for sub in ["local.d", "override.d"] {
                let from = out.appendingPathComponent("etc/rspamd/" + sub).path
                for f in try fm.contentsOfDirectory(atPath: from) {
                    try? fm.removeItem(atPath: root + "/\(sub)/" + f)
                    try fm.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
                    try fm.copyItem(atPath: from + "/" + f, toPath: root + "/\(sub)/" + f)
                }
            }
            if name == "b" {
                let options = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/local.d/options.inc"))
                options.seekToEndOfFile()
                options.write(Data("# test only: GTUBE variants for each action\nenable_test_patterns = true;\n".utf8))
                try options.close()
            }
            for d in ["run", "db", "log"] {
                try fm.createDirectory(atPath: dir + "/" + d, withIntermediateDirectories: true)
                _ = try TestSupport.run("/bin/chown", ["_rspamd:_rspamd", dir + "/" + d])
            }
            return try Detached("rspamd-" + name, in: ns, [
                rspamd, "-f", "-u", "_rspamd", "-g", "_rspamd", "-c", root + "/rspamd.conf",
                "--var=CONFDIR=\(root)", "--var=LOCAL_CONFDIR=\(root)", "--var=RUNDIR=\(dir)/run",
                "--var=DBDIR=\(dir)/db", "--var=LOGDIR=\(dir)/log",
            ], dir: dir)
        }
        let rspamdA = try startRspamd("a", outA), rspamdB = try startRspamd("b", outB)
        daemons += [rspamdA, rspamdB]
        func rspamdLog(_ name: String) -> String {
            (try? String(contentsOfFile: path("rspamd-\(name)/log/rspamd.log"), encoding: .utf8)) ?? "(no rspamd log)"
        }
        try waitForPort(milterA, rspamdA, timeout: .seconds(240))
        try waitForPort(milterB, rspamdB, timeout: .seconds(240))
        for _ in 0..<600 where !fm.fileExists(atPath: path("clamd.sock")) { usleep(100_000) }

        // The two Postfix instances, from each build's main.cf/master.cf and tables.
        func startPostfix(_ out: URL) throws -> PostfixInstance {
            let etc = out.appendingPathComponent("etc/postfix")
            func read(_ name: String) throws -> String { try String(contentsOf: etc.appendingPathComponent(name), encoding: .utf8) }
            let tables = ["relay_recipients", "transport"]
            var sources: [String: String] = [:]
            for t in tables { sources[t] = try read(t) }
            let p = try PostfixInstance(mainCF: try read("main.cf"), masterCF: try read("master.cf"), files: sources,
                                        configDirectoryAlias: "/etc/postfix", namespace: ns)
            for t in tables {
                let target = p.configDirectory.appendingPathComponent(t + ".db")
                try? fm.removeItem(at: target)
                try fm.copyItem(at: etc.appendingPathComponent(t + ".db"), to: target)
            }
            return p
        }
        let postfixA = try startPostfix(outA)
        defer { postfixA.stop() }
        let postfixB = try startPostfix(outB)
        defer { postfixB.stop() }

        /// One message; the reply to the end of DATA (or to the first command refused).
        func send(_ postfix: PostfixInstance, client: String = "203.0.113.9", from: String, subject: String,
                  body: [String]? = nil) throws -> SMTPReply {
            // A body of its own: rspamd also lets a message through whose body it has seen before.
            let body = body ?? ["", "nothing to see here: \(subject)"]
            let s = try postfix.session(clientAddress: client, clientName: "mx.sender.example", helo: "mx.sender.example")
            defer { s.quit() }
            let mail = try s.mail(from: from)
            guard mail.code == 250 else { return mail }
            let rcpt = try s.rcpt(to: "usuario1@example.com")
            guard rcpt.code == 250 else { return rcpt }
            let data = try s.command("DATA")
            guard data.code == 354 else { return data }
            for l in ["From: \(from)", "To: usuario1@example.com", "Subject: \(subject)",
                      "Message-ID: <\(UUID().uuidString)@sender.example>", "Date: Sun, 29 Nov 2026 12:00:00 +0000"] + body {
                try s.send(l)
            }
            return try s.command(".")
        }
        func context(_ name: String) -> String { "\n--- rspamd \(name) log:\n\(rspamdLog(name).suffix(4000))" }

        // GTUBE on A (reject-score 15): refused at the end of DATA, never delivered.
        let gtubeA = "gtube-a-\(UUID().uuidString)"
        let r1 = try send(postfixA, from: "spammer@sender.example", subject: gtubeA, body: ["", Self.gtube])
        XCTAssertEqual(r1.code / 100, 5, "GTUBE on A: \(r1)" + context("a"))

        // EICAR on A: rejected by the antivirus module (clamd's verdict), never delivered.
        let eicarSubject = "eicar-\(UUID().uuidString)"
        let r2 = try send(postfixA, from: "virus@sender.example", subject: eicarSubject, body: [
            "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\"", "", "--b",
            "Content-Type: text/plain", "", "see attachment", "--b",
            "Content-Type: application/octet-stream; name=\"eicar.com\"",
            "Content-Transfer-Encoding: base64", "Content-Disposition: attachment; filename=\"eicar.com\"", "",
            Data(Self.eicar.utf8).base64EncodedString(), "--b--"])
        XCTAssertEqual(r2.code / 100, 5, "EICAR on A: \(r2)" + context("a"))
        XCTAssertTrue(r2.description.lowercased().contains("virus"), "\(r2)")

        // A first-time triplet on A: soft reject; after the delay, the same message passes on A.
        let grey1 = "grey-a-\(UUID().uuidString)"
        let first = try send(postfixA, from: "new@sender.example", subject: grey1)
        XCTAssertEqual(first.code / 100, 4, "a new triplet must be greylisted: \(first)" + context("a"))
        sleep(Self.delay + 1)
        let retry = try send(postfixA, from: "new@sender.example", subject: grey1)
        XCTAssertEqual(retry.code, 250, "after the delay: \(retry)" + context("a"))

        // Shared state: greylisted on A, passes on B after the delay (B has never seen it).
        let grey2 = "grey-b-\(UUID().uuidString)"
        let onA = try send(postfixA, client: "198.51.100.20", from: "other@elsewhere.example", subject: grey2)
        XCTAssertEqual(onA.code / 100, 4, "greylisted on A: \(onA)" + context("a"))
        sleep(Self.delay + 1)
        let onB = try send(postfixB, client: "198.51.100.20", from: "other@elsewhere.example", subject: grey2)
        XCTAssertEqual(onB.code, 250, "B must know A's triplet through Redis: \(onB)" + context("b"))

        // The add-header GTUBE on B (reject-score = off): tagged and delivered.
        let gtubeB = "gtube-b-\(UUID().uuidString)"
        let body = ["", Self.gtubeAddHeader, gtubeB]
        var tagged = try send(postfixB, client: "198.51.100.30", from: "bulk@sender.example", subject: gtubeB, body: body)
        if tagged.code / 100 == 4 {
            sleep(Self.delay + 1)
            tagged = try send(postfixB, client: "198.51.100.30", from: "bulk@sender.example", subject: gtubeB, body: body)
        }
        XCTAssertEqual(tagged.code, 250, "GTUBE on B is tagged, not rejected: \(tagged)" + context("b"))

        // The inside server ([relay] trusted) is exempt: a new triplet from it is not greylisted.
        let inside = "inside-\(UUID().uuidString)"
        let fromInside = try send(postfixA, client: "192.0.2.25", from: "user@example.com", subject: inside)
        XCTAssertEqual(fromInside.code, 250, "trusted networks are exempt: \(fromInside)" + context("a"))

        // rspamd B stopped: Postfix B tempfails (milter_default_action = tempfail), delivers nothing.
        rspamdB.stop()
        try ns.entered {
            for _ in 0..<200 where TestSupport.canConnect(milterB) { usleep(50_000) }
        }
        let down = "down-\(UUID().uuidString)"
        let r3 = try send(postfixB, client: "198.51.100.20", from: "other@elsewhere.example", subject: down)
        XCTAssertEqual(r3.code / 100, 4, "rspamd down must tempfail: \(r3)\n\(postfixB.log().suffix(2000))")

        // What reached the inside server.
        var dump = ""
        for _ in 0..<300 {
            dump = delivered()
            if dump.contains(grey1) && dump.contains(grey2) && dump.contains(gtubeB) && dump.contains(inside) { break }
            usleep(100_000)
        }
        XCTAssertTrue(dump.contains(grey1), "greylisted mail retried on A was not delivered\n\(postfixA.log().suffix(3000))")
        XCTAssertTrue(dump.contains(grey2), "greylisted mail retried on B was not delivered\n\(postfixB.log().suffix(3000))")
        XCTAssertTrue(dump.contains(gtubeB), "tagged GTUBE was not delivered\n\(postfixB.log().suffix(3000))")
        XCTAssertTrue(dump.contains(inside), "mail from the inside server was not delivered")
        for refused in [gtubeA, eicarSubject, down] {
            XCTAssertFalse(dump.contains(refused), "\(refused) reached the inside server")
        }
        // The tagged GTUBE carries rspamd's verdict for the inside server (smtp-sink's dump starts
        // each message with its X-Client-Addr line).
        let message = dump.components(separatedBy: "X-Client-Addr: ").first { $0.contains("Subject: \(gtubeB)") } ?? ""
        XCTAssertTrue(message.contains("X-Spam: Yes"), "the tagged message lacks `X-Spam: Yes`:\n\(message)")
        // A message rspamd scanned in full (not stopped early by a GTUBE pattern) also carries
        // its SPF/DKIM/DMARC results and score (milter_headers.conf).
        let scanned = dump.components(separatedBy: "X-Client-Addr: ").first { $0.contains("Subject: \(grey1)") } ?? ""
        XCTAssertTrue(scanned.contains("Authentication-Results: "), "no Authentication-Results for the inside server:\n\(scanned)")
        XCTAssertTrue(scanned.contains("X-Spam-Status: No"), "no X-Spam-Status for the inside server:\n\(scanned)")
    }
}
