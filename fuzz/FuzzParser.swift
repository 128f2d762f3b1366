// libFuzzer entry for the gateway.conf reader (fuzz/all.sh target `gateway-conf`; internals
// through @testable import). A crash, a trap or a broken invariant below is a finding.
//
// The input is a gateway.conf. A first line `#set A;B;...` (a comment to the parser) also
// supplies `--set` overrides, and every line is fed to the recipients-file address checker.
@testable import ConfigModel
import Diagnostics
@testable import Lint

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGatewayConf(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var overrides: [String] = []
    if size > 5, bytes.starts(with: Array("#set ".utf8)) {
        let end = bytes.firstIndex(of: 0x0A) ?? size
        overrides = String(decoding: bytes[5..<end], as: UTF8.self).split(separator: ";").map(String.init)
    }
    // No file reads from fuzz input: `[recipients] file =` could name any path.
    let (document, diagnostics) = GatewayParser.parse(bytes: bytes, file: "fuzz.conf", overrides: overrides, readFiles: false)
    for d in diagnostics {
        guard d.span.line >= 1, d.span.column >= 1, d.span.endLine >= d.span.line, !d.message.isEmpty,
              d.id.hasPrefix("GW") else { fatalError("bad diagnostic: \(d)") }
    }
    if document != nil, diagnostics.contains(where: { $0.severity == .error }) {
        fatalError("a document came back together with errors")
    }
    if let document {
        for rule in RuleRegistry.gatewayRules where !(rule is RecipientDomainRule) {
            _ = rule.check(document)
        }
    }
    _ = Reporter.render(diagnostics, format: .text)

    var checker = AddressChecker()
    var start = 0
    for i in 0...size where i == size || bytes[i] == 0x0A {
        checker.line(UnsafeBufferPointer(rebasing: bytes[start..<i]), number: 1) { line, column, _, _ in
            if line < 1 || column < 1 { fatalError("bad recipient position") }
        }
        start = i + 1
    }
    return 0
}
