import Foundation
import TestSupport
import XCTest
@testable import ConfigModel
@testable import GatewayCompiler

/// The files for what configuration cannot express: host-setup.sh and the packet filter.
/// The nftables snippet is validated by nft itself; the script by sh -n (the acceptance test
/// runs it for real).
final class HostStepsTests: XCTestCase {
    static let debian = ["gateway.platform=debian", "gateway.postfix=3.7"]

    private func write(_ text: String, _ name: String) throws -> URL {
        let dir = try TestSupport.makeTempDir("host-steps")
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func testNftablesSnippetValidatesWithNft() throws {
        let nft = try TestSupport.requireTool("nft", package: "nftables")
        let tree = try GoldenTreeTests.seedTree(Self.debian)
        let file = try XCTUnwrap(tree.file("etc/gatewayctl/gateway.nft"))
        let url = try write(file.contents, "gateway.nft")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let r = try TestSupport.run(nft, ["-c", "-f", url.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Control: nft does reject a broken rule, so the check above can fail.
        let bad = try write(file.contents.replacingOccurrences(of: "tcp dport 25 accept", with: "tcp dport smtp acept"), "bad.nft")
        XCTAssertNotEqual(try TestSupport.run(nft, ["-c", "-f", bad.path]).status, 0)
    }

    func testPacketFilterAdmitsInternalPortsOnlyFromTheGatewayAndTheInsideServer() throws {
        let text = try XCTUnwrap(GoldenTreeTests.seedTree(Self.debian).file("etc/gatewayctl/gateway.nft")).contents
        for port in [10023, 12525, 10024, 10025] {
            XCTAssertTrue(text.contains("ip saddr { 192.168.40.3, 203.0.113.25, 192.168.40.2/32 } tcp dport \(port) accept"), "\(port)")
            XCTAssertTrue(text.contains("tcp dport \(port) reject with tcp reset"), "\(port)")
        }
        XCTAssertTrue(text.contains("tcp dport 25 accept\n"))
        XCTAssertFalse(text.contains("3310"), "clamd has no TCP listener without remote-clients")
        // With a remote scanner, clamd's port opens to it too.
        let remote = try GoldenTreeTests.seedTree(Self.debian + ["antivirus.listen=192.168.40.3", "antivirus.remote-clients=192.168.40.7"])
        let withClamd = try XCTUnwrap(remote.file("etc/gatewayctl/gateway.nft")).contents
        XCTAssertTrue(withClamd.contains("ip saddr { 192.168.40.3, 203.0.113.25, 192.168.40.2/32, 192.168.40.7 } tcp dport 3310 accept"), withClamd)
        XCTAssertTrue(try XCTUnwrap(remote.file("etc/clamav/clamd.conf")).contents.contains("TCPAddr 192.168.40.3\nTCPSocket 3310\n"))
        let pf = try XCTUnwrap(GoldenTreeTests.seedTree([]).file("usr/local/etc/gatewayctl/pf.anchor")).contents
        XCTAssertTrue(pf.contains("block return in quick proto tcp to $gateway port 10025"), pf)
    }

    func testHostSetupScriptsParseAndCarryThePlatformsGroupStep() throws {
        let sh = try TestSupport.requireTool("sh", package: "dash")
        for (overrides, path, group, step) in [
            (Self.debian, "etc/gatewayctl/host-setup.sh", "amavis", "adduser --quiet clamav amavis"),
            ([], "usr/local/etc/gatewayctl/host-setup.sh", "vscan", "pw groupmod vscan -m clamav"),
        ] {
            let file = try XCTUnwrap(GoldenTreeTests.seedTree(overrides).file(path), path)
            XCTAssertEqual(file.mode, 0o755)
            XCTAssertTrue(file.contents.hasPrefix("#!/bin/sh\n"))
            XCTAssertTrue(file.contents.contains("if ! member clamav \(group); then step '\(step)'; \(step); fi"), file.contents)
            let url = try write(file.contents, "host-setup.sh")
            defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
            let r = try TestSupport.run(sh, ["-n", url.path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
    }
}
