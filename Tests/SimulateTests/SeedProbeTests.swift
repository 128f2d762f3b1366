@testable import SMTPProbe
import TestSupport
import XCTest

/// `probe` against the gateway gatewayctl emits for the seed: no trick may relay.
final class SeedProbeTests: XCTestCase {
    func testSeedGatewayRelaysNothing() throws {
        for (platform, version) in [("debian", "3.7"), ("freebsd", "2.8")] {
            let postgrey = try TestSupport.startPostgrey()
            defer { postgrey.stop() }
            let config = try DifferentialConfigs.seed(platform: platform, version: version)
            let mainCF = config.mainCF.replacingOccurrences(of: DifferentialConfigs.postgreyPlaceholder,
                                                            with: "inet:127.0.0.1:\(postgrey.port)")
            let postfix = try PostfixInstance(mainCF: mainCF, masterCF: config.masterCF, files: config.files,
                                              hashMaps: config.hashMaps, configDirectoryAlias: config.alias)
            defer { postfix.stop() }
            let report = try RelayProbe.run(RelayProbeOptions(host: "127.0.0.1", port: postfix.port,
                                                              helo: "probe.example.net", domain: "example.org",
                                                              commandTimeout: .seconds(10), totalTimeout: .seconds(60)))
            XCTAssertEqual(report.results.count, 18)
            XCTAssertFalse(report.relayAccepted, "\(config.name): "
                           + report.results.map { "\($0.trick.number) \($0.rcptReply?.description ?? "-")" }.joined(separator: "\n"))
            XCTAssertEqual(report.results.filter { $0.outcome == .failed }.count, 0, postfix.log())
        }
    }
}
