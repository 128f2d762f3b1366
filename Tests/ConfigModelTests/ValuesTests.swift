import XCTest
@testable import ConfigModel
@testable import Diagnostics
@testable import PostfixConfig

final class ValuesTests: XCTestCase {
    func testIPv4() {
        XCTAssertEqual(IPAddress("192.168.40.2")?.description, "192.168.40.2")
        XCTAssertNil(IPAddress("192.168.40"))
        XCTAssertNil(IPAddress("192.168.040.2"), "leading zeros are ambiguous (octal)")
        XCTAssertNil(IPAddress("256.1.1.1"))
        XCTAssertTrue(IPAddress("127.0.0.1")!.isLoopback)
    }

    func testIPv6() {
        XCTAssertEqual(IPAddress("2001:DB8:0:0:0:0:0:1")?.description, "2001:db8::1")
        XCTAssertEqual(IPAddress("::1")?.isLoopback, true)
        XCTAssertEqual(IPAddress("::ffff:192.0.2.1")?.bytes.suffix(4), [192, 0, 2, 1])
        XCTAssertNil(IPAddress("1::2::3"))
        XCTAssertNil(IPAddress("12345::"))
    }

    func testCIDR() throws {
        XCTAssertEqual(try CIDR(parsing: "192.168.40.2/32").description, "192.168.40.2/32")
        XCTAssertEqual(try CIDR(parsing: "192.168.40.2").prefix, 32)
        XCTAssertThrowsError(try CIDR(parsing: "192.168.40.2/24")) { error in
            XCTAssertEqual(error as? CIDR.ParseError, .hostBitsSet(suggested: "192.168.40.0/24"))
        }
        XCTAssertThrowsError(try CIDR(parsing: "192.168.40.0/33"))
        XCTAssertEqual(try CIDR(parsing: "[2001:db8::]/32").description, "[2001:db8::]/32")
        XCTAssertTrue(try CIDR(parsing: "0.0.0.0/0").contains(IPAddress("203.0.113.7")!))
        XCTAssertFalse(try CIDR(parsing: "10.0.0.0/8").contains(IPAddress("11.0.0.1")!))
    }

    func testNames() throws {
        XCTAssertEqual(try DomainName("Example.COM.").value, "example.com")
        XCTAssertThrowsError(try DomainName("exa mple.com"))
        XCTAssertThrowsError(try DomainName("-bad.com"))
        XCTAssertThrowsError(try DomainName("localhost", requireDot: true))
        XCTAssertEqual(try EmailAddress("usuario1@Example.com").description, "usuario1@example.com")
        XCTAssertThrowsError(try EmailAddress("a b@example.com"))
        XCTAssertThrowsError(try EmailAddress("a$x@example.com"), "a `$` would expand in main.cf")
    }

    func testEndpointAndSize() throws {
        XCTAssertEqual(try Endpoint(parsing: "192.168.40.5:10023").description, "192.168.40.5:10023")
        XCTAssertEqual(try Endpoint(parsing: "[::1]:10023").description, "[::1]:10023")
        XCTAssertThrowsError(try Endpoint(parsing: "192.168.40.5:70000"))
        XCTAssertThrowsError(try Endpoint(parsing: "192.168.40.5"))
        XCTAssertEqual(ByteSize("10M")?.bytes, 10 << 20)
        XCTAssertEqual(ByteSize(bytes: 10 << 20).description, "10M")
        XCTAssertNil(ByteSize("10X"))
        XCTAssertNil(ByteSize("99999999999999G"))
        XCTAssertTrue(PostfixVersion("2.8")! < PostfixVersion("2.10")!)
        XCTAssertFalse(PostfixVersion("2.8")!.hasRelayRestrictions)
    }

    func testSuggest() {
        XCTAssertEqual(Suggest.closest(to: "hostnme", in: ["hostname", "domain"]), "hostname")
        XCTAssertEqual(Suggest.closest(to: "pltaform", in: ["platform", "postfix"]), "platform")
        XCTAssertNil(Suggest.closest(to: "zzzzzz", in: ["hostname"]))
    }
}
