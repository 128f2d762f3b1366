// libFuzzer entry for regex tables (fuzz/all.sh target `regex-table`): the input is a pcre:
// and a regexp: table (the first part) queried with each line of the optional second part
// (after a `%%` line), as `postmap -q` would. A crash, a trap or a hang is a finding.
@testable import MapBuilder

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegexTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let parts = FuzzInput.split(UnsafeBufferPointer(start: data, count: size))
    let queries = parts.count > 1 ? parts[1].split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
                                  : [Array("mail.example.com".utf8), Array("192.0.2.1".utf8)]
    for flavor in [RegexFlavor.pcre, .regexp] {
        let table = RegexTable.parse(bytes: parts[0], file: "fuzz", flavor: flavor)
        for w in table.warnings where w.line < 1 { fatalError("bad warning line: \(w)") }
        for q in queries.prefix(8) { _ = table.query(bytes: q) }
    }
    return 0
}
