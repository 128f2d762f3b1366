import CPCRE2

/// Which regular-expression table type: `pcre:` (PCRE2) or `regexp:` (POSIX regcomp).
public enum RegexFlavor: String, Sendable {
    case pcre, regexp
}

/// One rule of a regex table, as parsed. Lint can inspect `pattern`, `negated` and `result`
/// without matching anything.
public struct RegexRule: Sendable {
    public enum Kind: Sendable { case match, ifMatch, endif }

    public var kind: Kind
    public var line: Int
    /// Column of the pattern's opening delimiter (1 for `endif`).
    public var column: Int
    /// The text between the delimiters (escapes kept, as handed to the regex compiler).
    public var pattern: String
    public var flags: String
    public var negated: Bool
    /// The result text as written (`$n` unexpanded, `$$` kept); empty for if/endif.
    public var result: String
    /// True when the result contains `$n` references.
    public var substitutes: Bool { replacement.maxGroup > 0 }

    var replacement: Replacement
    var compiled: (any CompiledPattern)?
    /// regexp: only: the `/pattern1/!/pattern2/` second condition.
    var second: (pattern: any CompiledPattern, negated: Bool)?
    /// For `ifMatch`: index of the matching `endif` in `rules` (nil when there is none).
    var endif: Int?
}

/// The result of a lookup: the expanded value and the rule that produced it.
public struct RegexMatch: Sendable, Hashable {
    public var value: String
    public var line: Int

    public init(value: String, line: Int) {
        self.value = value
        self.line = line
    }
}

/// A pcre: or regexp: table parsed and compiled as dict_pcre.c / dict_regexp.c do it: every
/// problem Postfix would log is a `MapWarning` (file, line, column), the rule it concerns is
/// skipped exactly when Postfix skips it, and `query` answers as `postmap -q STRING pcre:FILE`.
public struct RegexTable: Sendable {
    public var file: String
    public var flavor: RegexFlavor
    public var rules: [RegexRule]
    public var warnings: [MapWarning]

    public static func parse(_ text: String, file: String, flavor: RegexFlavor) -> RegexTable {
        parse(bytes: Array(text.utf8), file: file, flavor: flavor)
    }

    public static func parse(bytes: [UInt8], file: String, flavor: RegexFlavor) -> RegexTable {
        bytes.withUnsafeBufferPointer { parse(buffer: $0, file: file, flavor: flavor) }
    }

    /// Reads and compiles `path`; throws `MapError(.io)` when it cannot be read.
    public static func parse(contentsOf path: String, flavor: RegexFlavor) throws -> RegexTable {
        let mapped = try MappedFile(path: path)
        return mapped.withBytes { parse(buffer: $0, file: path, flavor: flavor) }
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, file: String, flavor: RegexFlavor) -> RegexTable {
        var parser = RegexTableParser(file: file, flavor: flavor)
        SourceScanner.logicalLines(buffer, file: file, warning: { parser.warnings.append($0) }) { line, first, locate in
            parser.parseLine(Array(SourceScanner.cString(line)), line: first, locate: locate)
        }
        parser.finish()
        return RegexTable(file: file, flavor: flavor, rules: parser.rules, warnings: parser.warnings)
    }

    /// The first rule that matches `string` (if/endif honoured), with `$n` expanded; nil when
    /// nothing matches. Matching errors count as "no match" as in Postfix.
    public func query(_ string: String) -> RegexMatch? {
        query(bytes: Array(string.utf8)).map { RegexMatch(value: String(decoding: $0.value, as: UTF8.self), line: $0.line) }
    }

    public func query(bytes: [UInt8]) -> (value: [UInt8], line: Int)? {
        let subject = Array(SourceScanner.cString(bytes.withUnsafeBufferPointer { $0 }))
        var i = 0
        while i < rules.count {
            let rule = rules[i]
            switch rule.kind {
            case .endif:
                i += 1
            case .ifMatch:
                if let compiled = rule.compiled, RegexTable.test(compiled, subject, negated: rule.negated) {
                    i += 1
                } else {
                    guard let end = rule.endif else { return nil }
                    i = end + 1
                }
            case .match:
                guard let compiled = rule.compiled else { i += 1; continue }
                let groups = (try? compiled.match(subject)) ?? nil
                let hit = rule.negated ? groups == nil : groups != nil
                if hit, let second = rule.second, !RegexTable.test(second.pattern, subject, negated: second.negated) {
                    i += 1
                    continue
                }
                guard hit else { i += 1; continue }
                let value = rule.replacement.expand { n in
                    guard let groups, n < groups.count, let r = groups[n], !r.isEmpty else { return nil }
                    return subject[r]
                }
                return (value, rule.line)
            }
        }
        return nil
    }

    private static func test(_ p: any CompiledPattern, _ subject: [UInt8], negated: Bool) -> Bool {
        do {
            let hit = try p.match(subject) != nil
            return negated ? !hit : hit
        } catch {
            return false
        }
    }
}
