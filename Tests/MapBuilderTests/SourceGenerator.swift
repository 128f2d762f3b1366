import Foundation

/// Deterministic random number generator (SplitMix64): a failing seed reproduces exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random table sources that exercise every postmap parsing rule: comments, continuations,
/// quotes, tabs, CRLF, upper case, UTF-8 (and, on request, invalid UTF-8), duplicates, very
/// long keys and values, empty lines, missing values, `key:` lines, NUL-free.
struct SourceGenerator {
    var rng: SplitMix64
    var invalidUTF8 = false
    private var keys: [String] = []

    init(seed: UInt64, invalidUTF8: Bool = false) {
        rng = SplitMix64(seed: seed)
        self.invalidUTF8 = invalidUTF8
    }

    private mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }
    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    private static let keyPieces = ["user", "Usuario", "POSTMASTER", "abuse", "info", "j.doe", "x_y", "a-b",
                                    "José", "ÑANDÚ", "straße", "ΣΑΣ", "日本", "Müller", "1", "42", "İx"]
    private static let domains = ["example.com", "EXAMPLE.org", "mail.Example.NET", "ejemplo.es", "xn--bcher-kva.ch"]
    private static let values = ["OK", "REJECT", "REJECT no gracias", "554 5.7.1 go away", "DUNNO",
                                 "relay:[mail.example.com]", "smtp:[10.0.0.1]:25", "value # not a comment",
                                 "OK  with  spaces", "discard", "Überall", "x\ty"]
    private static let space = [" ", "\t", "  ", " \t ", "\t\t"]

    private mutating func key() -> String {
        if !keys.isEmpty && chance(0.15) {
            // A duplicate, maybe in another case.
            let k = pick(keys)
            return chance(0.5) ? k.uppercased() : k
        }
        var k: String
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: k = pick(Self.domains)
        case 1: k = "\"" + pick(Self.keyPieces) + " " + pick(Self.keyPieces) + "\"@" + pick(Self.domains)
        case 2: k = pick(Self.keyPieces) + "\\ " + pick(Self.keyPieces)
        case 3: k = String(repeating: pick(Self.keyPieces), count: Int.random(in: 50...400, using: &rng))
        case 4: k = pick(Self.keyPieces) + ":"
        default: k = pick(Self.keyPieces) + String(Int.random(in: 0..<50, using: &rng)) + "@" + pick(Self.domains)
        }
        keys.append(k)
        return k
    }

    private mutating func value() -> String {
        if chance(0.05) { return String(repeating: pick(Self.values) + " ", count: Int.random(in: 100...800, using: &rng)) }
        return pick(Self.values)
    }

    private mutating func eol() -> String { chance(0.15) ? "\r\n" : "\n" }

    /// One source of about `lines` physical lines.
    mutating func source(lines: Int) -> [UInt8] {
        var out: [UInt8] = []
        func add(_ s: String) { out.append(contentsOf: Array(s.utf8)) }
        if chance(0.2) { add(pick(Self.space) + "leading " + value() + eol()) }
        for _ in 0..<lines {
            switch Int.random(in: 0..<20, using: &rng) {
            case 0: add("# comment " + value() + eol())
            case 1: add(pick(Self.space) + "# indented comment" + eol())
            case 2: add(eol())
            case 3: add(pick(Self.space) + eol())
            case 4:
                if chance(0.3) {
                    // A quoted key that spans a continuation: problems found on the second
                    // physical line (no value, `key:`) are reported at the first.
                    add("\"" + pick(Self.keyPieces) + eol() + pick(Self.space) + pick(Self.keyPieces) + "\""
                        + pick(["", ":", "@x"]) + (chance(0.5) ? " " + value() : "") + eol())
                } else {
                    add(pick(Self.space) + "continued " + value() + eol())     // continuation
                }
            case 5: add(key() + eol())                                              // no value
            case 6: add("\"unbalanced " + value() + eol())
            case 7: add(key() + pick(Self.space) + value() + pick(["", " ", "\t", "  "]) + eol())
            case 8:
                if invalidUTF8 {
                    out.append(contentsOf: Array(key().utf8) + [0x20, 0xC3, 0x28, 0x20] + Array("v".utf8))
                    add(eol())
                } else {
                    add(key() + " " + value() + eol())
                }
            default: add(key() + pick(Self.space) + value() + eol())
            }
        }
        if chance(0.3), out.last == 0x0A {
            out.removeLast()
            if out.last == 0x0D { out.removeLast() }
        }
        return out
    }
}
