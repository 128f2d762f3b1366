// libFuzzer entry for the gateway.conf reader: compiled into the ConfigModel module by
// fuzz/run.sh (same module, so internals are reachable). A crash, a trap or a
// broken invariant below is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGatewayConf(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // No file reads from fuzz input: `[recipients] file =` could name any path.
    let (document, diagnostics) = GatewayParser.parse(bytes: bytes, file: "fuzz.conf", readFiles: false)
    for d in diagnostics {
        guard d.span.line >= 1, d.span.column >= 1, d.span.endLine >= d.span.line, !d.message.isEmpty,
              d.id.hasPrefix("GW") else { fatalError("bad diagnostic: \(d)") }
    }
    if document != nil, diagnostics.contains(where: { $0.severity == .error }) {
        fatalError("a document came back together with errors")
    }
    if let document {
        for rule in GatewayRules.all where !(rule is RecipientDomainRule) {
            _ = rule.check(document)
        }
        _ = Reporter.render(diagnostics, format: .json)
    }
    return 0
}
