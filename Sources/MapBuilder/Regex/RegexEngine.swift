import CPCRE2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One compiled pattern. pcre: tables use PCRE2 (as Debian's postfix-pcre); regexp: tables use
/// the C library's POSIX regcomp/regexec, because that is what Postfix calls.
protocol CompiledPattern: AnyObject, Sendable {
    /// Number of capture groups.
    var groupCount: Int { get }
    /// nil: no match. Otherwise the byte ranges of groups 0...groupCount (nil when unset).
    /// Throws the engine's message on a matching error (Postfix warns and treats it as no match).
    func match(_ subject: [UInt8]) throws -> [Range<Int>?]?
}

struct PatternError: Error {
    var message: String
    var offset: Int?
}

/// pcre: flags as dict_pcre.c: `i` and `s` on by default, each letter toggles.
final class PCREPattern: CompiledPattern, @unchecked Sendable {
    // Immutable after init; PCRE2 code is safe to share, match data is per call.
    private let code: OpaquePointer
    let groupCount: Int

    init(pattern: [UInt8], options: UInt32) throws {
        var error: Int32 = 0
        var offset: Int = 0
        let compiled = pattern.withUnsafeBufferPointer {
            pcre2_compile_8($0.baseAddress, $0.count, options, &error, &offset, nil)
        }
        guard let compiled else {
            throw PatternError(message: PCREPattern.message(error), offset: offset)
        }
        code = compiled
        var count: UInt32 = 0
        _ = pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        groupCount = Int(count)
    }

    deinit { pcre2_code_free_8(code) }

    static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "unexpected pcre2 error code \(code)"
    }

    func match(_ subject: [UInt8]) throws -> [Range<Int>?]? {
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else {
            throw PatternError(message: "out of memory", offset: nil)
        }
        defer { pcre2_match_data_free_8(data) }
        let rc = subject.withUnsafeBufferPointer {
            pcre2_match_8(code, $0.baseAddress ?? UnsafePointer(bitPattern: 1), $0.count, 0, 0, data, nil)
        }
        if rc == PCRE2_ERROR_NOMATCH { return nil }
        if rc < 0 { throw PatternError(message: PCREPattern.message(rc), offset: nil) }
        guard let ovector = pcre2_get_ovector_pointer_8(data) else { return [] }
        let pairs = Int(pcre2_get_ovector_count_8(data))
        var groups: [Range<Int>?] = []
        for g in 0...groupCount {
            guard g < pairs else { groups.append(nil); continue }
            let s = ovector[2 * g], e = ovector[2 * g + 1]
            // PCRE2_UNSET is ~(size_t)0: -1 as Swift imports size_t.
            if s < 0 || e < s { groups.append(nil) } else { groups.append(Int(s)..<Int(e)) }
        }
        return groups
    }
}

/// regexp: flags as dict_regexp.c: REG_EXTENDED and REG_ICASE by default, `m` REG_NEWLINE.
/// Postfix never calls setlocale(), so its regcomp works on bytes in the C locale; compile and
/// match here run under the C locale too (thread-locally), whatever the host process set.
final class POSIXPattern: CompiledPattern, @unchecked Sendable {
    // regexec() on a compiled regex_t is thread-safe in glibc; the struct never moves (heap).
    private let regex: UnsafeMutablePointer<regex_t>
    let groupCount: Int

    // <regex.h> values (glibc, BSD and POSIX agree); REG_NOMATCH is an enum Swift cannot see.
    static let extended: Int32 = 1, icase: Int32 = 2, newline: Int32 = 4, nosub: Int32 = 8
    static let noMatch: Int32 = 1

    /// The C locale, created once; nil only if newlocale fails (then the current one is used).
    nonisolated(unsafe) private static let cLocale: locale_t? = newlocale(LC_CTYPE_MASK | LC_COLLATE_MASK, "C", nil)

    /// glibc's regcomp nests stacked ERE quantifiers (`a**`, `a*?+`) and takes polynomial time
    /// in their number: 120 of them take 12 s in `postmap -q` (found by fuzz/all.sh). Every stack
    /// matches what one quantifier matches (`(a*)+` is `a*`, `(a+)+` is `a+`, `(a?)?` is `a?`,
    /// any other mix is `a*`), so a run after an atom is replaced by that one. A run where no
    /// atom precedes (start, `(`, `|`, `^`) is left alone: regcomp refuses it at once.
    static func collapsingStackedQuantifiers(_ p: [UInt8]) -> [UInt8] {
        func isQuantifier(_ c: UInt8) -> Bool { c == 0x2a || c == 0x2b || c == 0x3f }
        var out: [UInt8] = []
        out.reserveCapacity(p.count)
        var i = 0
        var afterAtom = false
        while i < p.count {
            let c = p[i]
            if c == 0x5c, i + 1 < p.count {            // `\x`: an escaped byte is an atom
                out += p[i...(i + 1)]; i += 2; afterAtom = true; continue
            }
            if c == 0x5b {                              // a bracket expression, copied whole
                var j = i + 1
                if j < p.count, p[j] == 0x5e { j += 1 }
                if j < p.count, p[j] == 0x5d { j += 1 }
                while j < p.count, p[j] != 0x5d {
                    if p[j] == 0x5b, j + 1 < p.count, [0x3a, 0x2e, 0x3d].contains(p[j + 1]) {
                        let kind = p[j + 1]
                        var k = j + 2
                        while k + 1 < p.count, !(p[k] == kind && p[k + 1] == 0x5d) { k += 1 }
                        j = k + 2
                    } else {
                        j += 1
                    }
                }
                let end = min(j, p.count - 1)
                out += p[i...end]; i = end + 1; afterAtom = true; continue
            }
            if isQuantifier(c), afterAtom, i + 1 < p.count, isQuantifier(p[i + 1]) {
                var j = i
                var plus = false, question = false, star = false
                while j < p.count, isQuantifier(p[j]) {
                    if p[j] == 0x2a { star = true } else if p[j] == 0x2b { plus = true } else { question = true }
                    j += 1
                }
                out.append(star || (plus && question) ? 0x2a : plus ? 0x2b : 0x3f)
                i = j; continue
            }
            afterAtom = !(c == 0x28 || c == 0x7c || c == 0x5e) && !(isQuantifier(c) && !afterAtom)
            out.append(c); i += 1
        }
        return out
    }

    /// How many atoms the pattern becomes once glibc's regcomp has copied every bounded
    /// repetition out (`x{1,1000}` is 1,000 copies of `x`, `(ab){9}` 18), beside how many it
    /// has as written. regcomp's memory grows with the square of that: `/x{1,4000}/` takes
    /// 130 MB in `postmap -q` and `/(x{9,9999}){9,99}/` over 4.8 GB (found by fuzz/all.sh).
    static func repetitionSize(_ p: [UInt8], extended: Bool) -> (expanded: Int, written: Int) {
        let cap = 1 << 40
        var levels = [0], last = 0, written = 0
        func atom() { levels[levels.count - 1] = min(cap, levels[levels.count - 1] + 1); last = 1; written += 1 }
        func open() { levels.append(0); last = 0 }
        func close() {
            guard levels.count > 1 else { atom(); return }
            let c = levels.removeLast()
            levels[levels.count - 1] = min(cap, levels[levels.count - 1] + c)
            last = c
        }
        /// `{m}`, `{m,}`, `{m,n}` starting at `i` (after `{`): the copies and the index after `}`.
        func interval(_ i: Int, closer: [UInt8]) -> (Int, Int)? {
            var j = i, m = 0, n: Int?, comma = false, digits = 0
            while j < p.count, p[j] >= 0x30, p[j] <= 0x39 { m = min(cap, m * 10 + Int(p[j] - 0x30)); j += 1; digits += 1 }
            guard digits > 0 else { return nil }
            if j < p.count, p[j] == 0x2c {
                comma = true; j += 1
                var v = 0, d = 0
                while j < p.count, p[j] >= 0x30, p[j] <= 0x39 { v = min(cap, v * 10 + Int(p[j] - 0x30)); j += 1; d += 1 }
                if d > 0 { n = v }
            }
            guard j + closer.count <= p.count, Array(p[j..<(j + closer.count)]) == closer else { return nil }
            // Past RE_DUP_MAX regcomp refuses the interval at once (`Invalid content of \{\}`).
            guard m <= 0x7fff, (n ?? 0) <= 0x7fff else { return nil }
            return (max(1, n ?? (comma ? m + 1 : m)), j + closer.count)
        }
        func repeatLast(_ k: Int) {
            let extra = min(cap, last.multipliedReportingOverflow(by: k - 1).overflow ? cap : last * (k - 1))
            levels[levels.count - 1] = min(cap, levels[levels.count - 1] + extra)
            last = min(cap, last.multipliedReportingOverflow(by: k).overflow ? cap : last * k)
        }
        var i = 0
        while i < p.count {
            let c = p[i]
            if c == 0x5c, i + 1 < p.count {
                let e = p[i + 1]
                if !extended, e == 0x28 { open(); i += 2; continue }
                if !extended, e == 0x29 { close(); i += 2; continue }
                if !extended, e == 0x7b, let (k, next) = interval(i + 2, closer: [0x5c, 0x7d]) { repeatLast(k); i = next; continue }
                atom(); i += 2; continue
            }
            if c == 0x5b {
                var j = i + 1
                if j < p.count, p[j] == 0x5e { j += 1 }
                if j < p.count, p[j] == 0x5d { j += 1 }
                while j < p.count, p[j] != 0x5d { j += 1 }
                atom(); i = j + 1; continue
            }
            if extended, c == 0x28 { open(); i += 1; continue }
            if extended, c == 0x29 { close(); i += 1; continue }
            if extended, c == 0x7b, let (k, next) = interval(i + 1, closer: [0x7d]) { repeatLast(k); i = next; continue }
            if [0x2a, 0x2b, 0x3f, 0x7c, 0x5e, 0x24].contains(c) { i += 1; continue }
            atom(); i += 1
        }
        while levels.count > 1 { close() }
        return (levels[0], written)
    }

    private static func inCLocale<R>(_ body: () -> R) -> R {
        guard let c = cLocale else { return body() }
        let previous = uselocale(c)
        defer { uselocale(previous) }
        return body()
    }

    init(pattern: [UInt8], flags: Int32) throws {
        regex = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        let source = flags & Self.extended != 0 ? Self.collapsingStackedQuantifiers(pattern) : pattern
        let cPattern = (source + [0]).map { CChar(bitPattern: $0) }
        let compiled = regex
        let rc = POSIXPattern.inCLocale { regcomp(compiled, cPattern, flags) }
        if rc != 0 {
            let message = POSIXPattern.message(rc, regex)
            regex.deallocate()
            throw PatternError(message: message, offset: nil)
        }
        groupCount = Int(regex.pointee.re_nsub)
    }

    deinit {
        regfree(regex)
        regex.deallocate()
    }

    static func message(_ code: Int32, _ regex: UnsafePointer<regex_t>) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = regerror(code, regex, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func match(_ subject: [UInt8]) throws -> [Range<Int>?]? {
        var matches = [regmatch_t](repeating: regmatch_t(), count: groupCount + 1)
        let cSubject = (subject + [0]).map { CChar(bitPattern: $0) }
        let count = matches.count
        let rc = POSIXPattern.inCLocale { regexec(regex, cSubject, count, &matches, 0) }
        if rc == POSIXPattern.noMatch { return nil }
        if rc != 0 { throw PatternError(message: POSIXPattern.message(rc, regex), offset: nil) }
        return matches.map { m in m.rm_so < 0 || m.rm_eo < m.rm_so ? nil : Int(m.rm_so)..<Int(m.rm_eo) }
    }
}
