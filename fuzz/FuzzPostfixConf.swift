// libFuzzer entry for the Postfix configuration reader (fuzz/all.sh target `postfix-conf`).
// The input is main.cf, then optionally master.cf and one access table, separated by lines
// holding `%%`; the table is readable as /etc/postfix/m0 (hash:, texthash:, pcre:). The whole
// linter runs over it: main.cf/master.cf parsing, `$name` expansion, restriction lists, the
// relay analysis and the map rules. A crash, a trap or a broken invariant is a finding.
import Lint
import PostfixConfig

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPostfixConf(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let parts = FuzzInput.split(UnsafeBufferPointer(start: data, count: size))
    let main = MainCf(file: "/etc/postfix/main.cf", bytes: parts[0])
    let master = parts.count > 1 ? MasterCf(file: "/etc/postfix/master.cf", bytes: parts[1]) : nil
    var memory: [String: [UInt8]] = [:]
    if parts.count > 2 { memory["/etc/postfix/m0"] = parts[2] }
    let config = PostfixConfigSet(root: "", mainCf: main, masterCf: master, memoryFiles: memory)
    for d in PostfixLinter.lint(config) {
        guard d.span.line >= 1, d.span.column >= 1, d.span.endLine >= d.span.line, !d.message.isEmpty else {
            fatalError("bad diagnostic: \(d)")
        }
    }
    return 0
}
