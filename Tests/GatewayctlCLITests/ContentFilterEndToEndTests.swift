import Foundation
import SMTPProbe
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The whole chain of the tutorial from emitted files: Postfix (emitted main.cf/master.cf) ->
/// `smtp-amavis` -> amavisd-new (Debian's conf.d stack + the emitted 50-user) -> clamd (emitted
/// clamd.conf) and SpamAssassin -> the reinjection smtpd -> smtp-sink. clamd's only signature is
/// the EICAR test file's MD5 from `sigtool --md5`: nothing is downloaded.
///
/// Changed for the run, and why: every listener on 127.0.0.1 and free ports (`--set`); DNS
/// checks, postgrey and policyd-weight off (see `BuildEndToEndTests`); clamd's log/pid files in
/// the temp dir, `Foreground yes`, and no `User clamav` (amavis's 0750 temp dirs are readable by
/// clamav only when the admin adds clamav to amavis's group, which this machine's packages do
/// not); amavis's home, log and pid in the temp dir and `$sa_local_tests_only` (no DNS from
/// SpamAssassin). Everything else runs as emitted.
final class ContentFilterEndToEndTests: XCTestCase {
    static let eicar = #"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"#

    func testEICARIsStoppedAndCleanMailPassesThroughAmavis() throws {
        _ = try TestSupport.requireTool("postfix", package: "postfix")
        let sinkTool = try TestSupport.requireTool("smtp-sink", package: "postfix")
        let clamd = try TestSupport.requireTool("clamd", package: "clamav-daemon")
        let sigtool = try TestSupport.requireTool("sigtool", package: "clamav")
        let amavisd = try TestSupport.requireTool("amavisd", package: "amavisd-new")
        guard geteuid() == 0 else { throw XCTSkip("amavisd and Postfix need root to start") }

        let work = try TestSupport.makeTempDir("gatewayctl-chain")
        defer { if ProcessInfo.processInfo.environment["GATEWAYCTL_KEEP_TEST_DIRS"] == nil { try? FileManager.default.removeItem(at: work) } }
        let fm = FileManager.default
        func path(_ name: String) -> String { work.appendingPathComponent(name).path }

        // clamd's signature database: the MD5 of the EICAR file.
        try fm.createDirectory(atPath: path("db"), withIntermediateDirectories: true)
        try Data(Self.eicar.utf8).write(to: URL(fileURLWithPath: path("eicar.com")))
        let sig = try TestSupport.run(sigtool, ["--md5", path("eicar.com")])
        XCTAssertEqual(sig.status, 0, sig.stderr)
        try Data(sig.stdout.utf8).write(to: URL(fileURLWithPath: path("db/eicar.hdb")))

        let dumps = path("sink")
        try fm.createDirectory(atPath: dumps, withIntermediateDirectories: true)
        try fm.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dumps)
        let sink = try TestDaemon(name: "smtp-sink", executable: sinkTool) { port, _ in
            ["-u", "nobody", "-D", dumps + "/mail", "127.0.0.1:\(port)", "64"]
        }
        defer { sink.stop() }

        let amavisPort = try TestSupport.freeLoopbackPort(), reinjectPort = try TestSupport.freeLoopbackPort()
        let config = work.appendingPathComponent("gateway.conf")
        try Data(BuildEndToEndTests.offlineSeed(keeping: ["content-filter"]).utf8).write(to: config)
        let out = work.appendingPathComponent("out")
        let built = try TestSupport.gatewayctl([
            "build", config.path, "--out", out.path,
            "--set", "gateway.platform=debian", "--set", "gateway.postfix=3.7",
            "--set", "gateway.loopback=yes",
            "--set", "relay.mail-server=127.0.0.1:\(sink.port)",
            "--set", "content-filter.listen=127.0.0.1:\(amavisPort)",
            "--set", "content-filter.reinject=127.0.0.1:\(reinjectPort)",
            "--set", "antivirus.listen=127.0.0.1", "--set", "antivirus.socket=\(path("clamd.sock"))",
            "--set", "antivirus.database-directory=\(path("db"))",
        ])
        guard built.status == 0 else { return XCTFail("build failed: \(built.stdout)\(built.stderr)") }

        // clamd from the emitted clamd.conf (TCP port: the one TestDaemon picked).
        let clamdConf = try String(contentsOf: out.appendingPathComponent("etc/clamav/clamd.conf"), encoding: .utf8)
        let clamdDaemon = try TestDaemon(name: "clamd", executable: clamd) { port, dir in
            var lines = clamdConf.split(separator: "\n").map(String.init).filter {
                !$0.hasPrefix("User ") && !$0.hasPrefix("LogFile ") && !$0.hasPrefix("PidFile ") && !$0.hasPrefix("TCPSocket ")
            }
            lines += ["TCPSocket \(port)", "Foreground yes", "LogFile \(dir.path)/clamd.log", "PidFile \(dir.path)/clamd.pid"]
            try? Data((lines.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("clamd.conf"))
            return ["-c", dir.appendingPathComponent("clamd.conf").path]
        }
        defer { clamdDaemon.stop() }

        // Postfix from the emitted tree.
        let etc = out.appendingPathComponent("etc/postfix")
        func read(_ name: String) throws -> String { try String(contentsOf: etc.appendingPathComponent(name), encoding: .utf8) }
        let tables = ["relay_recipients", "transport", "virtual_alias_maps", "access_clients", "sender_access"]
        var sources: [String: String] = ["helo_checks": try read("helo_checks")]
        for t in tables { sources[t] = try read(t) }
        let postfix = try PostfixInstance(mainCF: try read("main.cf"), masterCF: try read("master.cf"),
                                          files: sources, configDirectoryAlias: "/etc/postfix")
        defer { postfix.stop() }
        for t in tables {
            let target = postfix.configDirectory.appendingPathComponent(t + ".db")
            try? fm.removeItem(at: target)
            try fm.copyItem(at: etc.appendingPathComponent(t + ".db"), to: target)
        }
        let reinjectNow = try XCTUnwrap(postfix.servicePorts["127.0.0.1:\(reinjectPort)"], "\(postfix.servicePorts)")

        // amavisd-new: Debian's stack, the emitted 50-user, then the test's private paths.
        let home = path("amavis")
        for d in ["", "/tmp", "/db", "/virusmails"] { try fm.createDirectory(atPath: home + d, withIntermediateDirectories: true) }
        _ = try TestSupport.run("/bin/chown", ["-R", "amavis:amavis", home])
        let override = """
            use strict;
            $MYHOME = '\(home)'; $TEMPBASE = "$MYHOME/tmp"; $db_home = "$MYHOME/db";
            $QUARANTINEDIR = "$MYHOME/virusmails"; $pid_file = "$MYHOME/amavisd.pid";
            $lock_file = "$MYHOME/amavisd.lock"; $unix_socketname = undef;
            $do_syslog = 0; $LOGFILE = "$MYHOME/amavis.log"; $log_level = 2;
            $sa_local_tests_only = 1;
            $forward_method = 'smtp:[127.0.0.1]:\(reinjectNow)'; $notify_method = $forward_method;
            1;

            """
        try Data(override.utf8).write(to: URL(fileURLWithPath: path("override.conf")))
        var stack: [String] = []
        for dir in ["/usr/share/amavis/conf.d", "/etc/amavis/conf.d"] {
            stack += ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted()
                .filter { $0 < "50" && !$0.hasPrefix(".") }.map { dir + "/" + $0 }
        }
        stack += [out.appendingPathComponent("etc/amavis/conf.d/50-user").path, path("override.conf")]
        let amavis = Process()
        amavis.executableURL = URL(fileURLWithPath: amavisd)
        amavis.arguments = stack.flatMap { ["-c", $0] } + ["foreground"]
        let amavisOut = path("amavis.out")
        fm.createFile(atPath: amavisOut, contents: nil)
        amavis.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: amavisOut))
        amavis.standardError = amavis.standardOutput
        try amavis.run()
        defer {
            kill(amavis.processIdentifier, SIGTERM)
            amavis.waitUntilExit()
        }
        func amavisLog() -> String { (try? String(contentsOfFile: home + "/amavis.log", encoding: .utf8)) ?? "" }
        try TestSupport.waitForLoopbackPort(amavisPort, timeout: .seconds(60)) { amavis.isRunning }

        // EICAR first, then a clean message; both are accepted (the filter runs after queue).
        func send(subject: String, body: [String]) throws {
            let s = try postfix.session(clientAddress: "198.51.100.7", clientName: "mx.example.net", helo: "mx.example.net")
            XCTAssertEqual(try s.mail(from: "friend@example.net").code, 250)
            XCTAssertEqual(try s.rcpt(to: "usuario1@example.com").code, 250)
            XCTAssertEqual(try s.command("DATA").code, 354)
            for l in ["From: friend@example.net", "To: usuario1@example.com", "Subject: \(subject)"] + body { try s.send(l) }
            let r = try s.command(".")
            XCTAssertEqual(r.code, 250, "\(r)\n\(postfix.log())")
            s.quit()
        }
        let clean = "gatewayctl-clean-\(UUID().uuidString)"
        // The file as a base64 attachment, so the decoded part is byte for byte the signed file.
        try send(subject: "eicar", body: [
            "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\"", "", "--b",
            "Content-Type: text/plain", "", "see attachment", "--b",
            "Content-Type: application/octet-stream; name=\"eicar.com\"",
            "Content-Transfer-Encoding: base64", "Content-Disposition: attachment; filename=\"eicar.com\"", "",
            Data(Self.eicar.utf8).base64EncodedString(), "--b--"])
        try send(subject: clean, body: ["", "nothing to see here"])

        var dump = ""
        for _ in 0..<600 {
            dump = (try? String(contentsOfFile: dumps + "/mail", encoding: .utf8)) ?? ""
            if dump.contains(clean) && amavisLog().contains("INFECTED") { break }
            usleep(100_000)
        }
        let log = amavisLog()
        XCTAssertTrue(log.contains("Blocked INFECTED (eicar.com.UNOFFICIAL"), "amavis did not block EICAR:\n\(log)")
        XCTAssertTrue(dump.contains(clean), "clean mail did not reach smtp-sink\n\(postfix.log())\n\(log)")
        XCTAssertTrue(dump.contains("X-Virus-Scanned: "), "clean mail bypassed amavis")
        XCTAssertTrue(dump.contains("X-Spam-"), "SpamAssassin did not run on the clean mail")
        XCTAssertFalse(dump.contains(Data(Self.eicar.utf8).base64EncodedString()), "EICAR reached the inside server")
        // smtp-sink starts every message with X-Client-Addr; the virus notice to the relayed
        // domain's postmaster quotes the headers, the user must get nothing of it.
        let messages = dump.components(separatedBy: "X-Client-Addr: ").dropFirst()
        let toUser = messages.filter { $0.contains("X-Rcpt-Args: <usuario1@example.com>") }
        XCTAssertFalse(toUser.contains { $0.contains("Subject: eicar\n") }, "EICAR reached the inside server")
        XCTAssertTrue(messages.contains { $0.contains("X-Rcpt-Args: <postmaster@example.com>") && $0.contains("Subject: VIRUS") },
                      "the virus notice did not reach the relayed domain's postmaster")
    }
}
