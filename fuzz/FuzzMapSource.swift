// libFuzzer entry for map sources (fuzz/all.sh target `map-source`): the input is a postmap
// source, parsed with and without SMTPUTF8 and case folding, resolved (duplicates), and every
// key looked up again: a key the table lists must be found. A crash or trap is a finding.
@testable import MapBuilder

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapSource(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for options in [MapOptions(), MapOptions(smtputf8: true), MapOptions(foldCase: false),
                    MapOptions(duplicates: .replace)] {
        let source = MapSource.parse(bytes: bytes, file: "fuzz", options: options)
        for w in source.warnings where w.line < 1 { fatalError("bad warning line: \(w)") }
        let resolved = source.resolved(options: options)
        for entry in resolved.entries where resolved.lookup(entry.key) == nil {
            fatalError("`\(entry.key)` is listed but not found")
        }
    }
    return 0
}
