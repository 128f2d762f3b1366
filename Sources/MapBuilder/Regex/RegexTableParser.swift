import CPCRE2

/// Line-by-line parser behind `RegexTable`: dict_pcre_parse_rule() / dict_regexp_parseline()
/// with their exact warnings.
struct RegexTableParser {
    let file: String
    let flavor: RegexFlavor
    var rules: [RegexRule] = []
    var warnings: [MapWarning] = []
    /// Indexes of open `if` rules, innermost last.
    private var open: [Int] = []

    init(file: String, flavor: RegexFlavor) {
        self.file = file
        self.flavor = flavor
    }

    private struct Pattern {
        var text: [UInt8]
        var negated: Bool
        var pcreOptions: UInt32
        var posixFlags: Int32
        var flags: String
        var column: Int
    }

    typealias Locate = (Int) -> (line: Int, column: Int)

    mutating func parseLine(_ raw: [UInt8], line: Int, locate: Locate) {
        var text = raw
        while let last = text.last, SourceScanner.isSpace(last) { text.removeLast() }
        guard let first = text.first else { return }
        if !Replacement.isAlnum(first) {
            parseMatch(text, line: line, locate: locate)
        } else if hasKeyword(text, "if") {
            parseIf(text, line: line, locate: locate)
        } else if hasKeyword(text, "endif") {
            parseEndif(text, line: line, locate: locate)
        } else {
            warn(.regexSyntax, line, locate(0), "ignoring unrecognized request")
        }
    }

    mutating func finish() {
        for index in open.reversed() {
            let rule = rules[index]
            warn(.regexIfEndif, rule.line, (rule.line, rule.column), "IF has no matching ENDIF")
        }
        open.removeAll()
    }

    // MARK: rules

    private mutating func parseMatch(_ text: [UInt8], line: Int, locate: Locate) {
        var p = 0
        guard let first = getPattern(text, &p, line: line, locate: locate) else { return }
        var second: Pattern?
        if flavor == .regexp, p < text.count, text[p] == 0x21 {
            guard let s = getPattern(text, &p, line: line, locate: locate) else { return }
            second = s
        }
        while p < text.count && SourceScanner.isSpace(text[p]) { p += 1 }
        let resultColumn = locate(p)
        if p >= text.count {
            warn(.regexMissingResult, line, resultColumn, "no replacement text: using empty string")
        }
        let resultBytes = Array(text[min(p, text.count)...])
        let (replacement, problems) = Replacement.parse(resultBytes)
        if !problems.isEmpty {
            for problem in problems {
                switch problem {
                case .truncated(let t):
                    warnBare(line, resultColumn, "truncated macro reference: \"\(t)\"")
                case .emptyName(let t):
                    warnBare(line, resultColumn, "empty macro name: \"\(t)\"")
                case .nonNumeric(let n):
                    warn(.regexSubstitution, line, resultColumn, "non-numeric replacement index \"\(n)\"")
                case .outOfRange(let n):
                    // dict_regexp.c spells this one with a hyphen, dict_pcre.c without.
                    let range = flavor == .regexp ? "out-of-range" : "out of range"
                    warn(.regexSubstitution, line, resultColumn, "\(range) replacement index \"\(n)\"")
                }
            }
            warn(.regexSubstitution, line, resultColumn, "bad replacement syntax: skipping this rule")
            return
        }
        if replacement.maxGroup > 0 && first.negated {
            warn(.regexSubstitution, line, resultColumn,
                 "$number found in negative match replacement text: skipping this rule")
            return
        }
        guard let compiled = compile(first, line: line, locate: locate) else { return }
        if replacement.maxGroup > compiled.groupCount {
            warn(.regexSubstitution, line, resultColumn,
                 "out of range replacement index \"\(replacement.maxGroup)\": skipping this rule")
            return
        }
        var secondCompiled: (pattern: any CompiledPattern, negated: Bool)?
        if let second {
            guard let c = compile(second, line: line, locate: locate) else { return }
            secondCompiled = (c, second.negated)
        }
        rules.append(RegexRule(kind: .match, line: line, column: first.column,
                               pattern: String(decoding: first.text, as: UTF8.self), flags: first.flags,
                               negated: first.negated, result: String(decoding: resultBytes, as: UTF8.self),
                               replacement: replacement, compiled: compiled, second: secondCompiled, endif: nil))
    }

    private mutating func parseIf(_ text: [UInt8], line: Int, locate: Locate) {
        var p = 2
        while p < text.count && SourceScanner.isSpace(text[p]) { p += 1 }
        guard let pattern = getPattern(text, &p, line: line, locate: locate) else { return }
        while p < text.count && SourceScanner.isSpace(text[p]) { p += 1 }
        if p < text.count {
            let extra = String(decoding: text[p...], as: UTF8.self)
            warn(.regexIfEndif, line, locate(p), "ignoring extra text after IF statement: \"\(extra)\"")
            warn(.regexIfEndif, line, locate(p), "do not prepend whitespace to statements between IF and ENDIF")
        }
        guard let compiled = compile(pattern, line: line, locate: locate) else { return }
        open.append(rules.count)
        rules.append(RegexRule(kind: .ifMatch, line: line, column: pattern.column,
                               pattern: String(decoding: pattern.text, as: UTF8.self), flags: pattern.flags,
                               negated: pattern.negated, result: "", replacement: Replacement(parts: [], maxGroup: 0),
                               compiled: compiled, second: nil, endif: nil))
    }

    private mutating func parseEndif(_ text: [UInt8], line: Int, locate: Locate) {
        guard let ifIndex = open.popLast() else {
            warn(.regexIfEndif, line, locate(0), "ignoring ENDIF without matching IF")
            return
        }
        var p = 5
        while p < text.count && SourceScanner.isSpace(text[p]) { p += 1 }
        if p < text.count {
            warn(.regexIfEndif, line, locate(p), "ignoring extra text after ENDIF")
        }
        rules[ifIndex].endif = rules.count
        rules.append(RegexRule(kind: .endif, line: line, column: 1, pattern: "", flags: "", negated: false,
                               result: "", replacement: Replacement(parts: [], maxGroup: 0),
                               compiled: nil, second: nil, endif: nil))
    }

    // MARK: pieces

    /// `strncasecmp(p, keyword, n) == 0 && !ISALNUM(p[n])`.
    private func hasKeyword(_ text: [UInt8], _ keyword: String) -> Bool {
        let k = Array(keyword.utf8)
        guard text.count >= k.count else { return false }
        for (i, c) in k.enumerated() where text[i] | 0x20 != c { return false }
        return text.count == k.count || !Replacement.isAlnum(text[k.count])
    }

    /// dict_pcre_get_pattern() / dict_regexp_get_pat(): negation, delimiter, pattern, flags.
    private mutating func getPattern(_ text: [UInt8], _ p: inout Int, line: Int, locate: Locate) -> Pattern? {
        var negated = false
        let n = text.count
        switch flavor {
        case .pcre:
            while p < n {
                if text[p] == 0x21 { negated.toggle() } else if !SourceScanner.isSpace(text[p]) { break }
                p += 1
            }
        case .regexp:
            while p < n && text[p] == 0x21 { negated.toggle(); p += 1 }
            while p < n && SourceScanner.isSpace(text[p]) { p += 1 }
        }
        guard p < n else {
            warn(.regexSyntax, line, locate(max(0, min(p, n - 1))), "no regexp: skipping this rule")
            return nil
        }
        let delimiter = text[p]
        let column = locate(p).column
        p += 1
        let start = p
        while p < n {
            if text[p] == 0x5C {
                if p + 1 >= n { p = n; break }
                p += 1
            } else if text[p] == delimiter {
                break
            }
            p += 1
        }
        guard p < n else {
            let shown = String(decoding: [delimiter], as: UTF8.self)
            let action = flavor == .pcre ? "ignoring this rule" : "skipping this rule"
            warn(.regexSyntax, line, (line, column), "no closing regexp delimiter \"\(shown)\": \(action)")
            return nil
        }
        let body = Array(text[start..<p])
        p += 1
        var pcre = UInt32(PCRE2_CASELESS | PCRE2_DOTALL)
        var posix = POSIXPattern.extended | POSIXPattern.icase
        let flagStart = p
        while p < n && !SourceScanner.isSpace(text[p]) && !(flavor == .regexp && text[p] == 0x21) {
            let c = text[p]
            let letter = String(decoding: [c], as: UTF8.self)
            switch (flavor, c) {
            case (.pcre, UInt8(ascii: "i")): pcre ^= UInt32(PCRE2_CASELESS)
            case (.pcre, UInt8(ascii: "m")): pcre ^= UInt32(PCRE2_MULTILINE)
            case (.pcre, UInt8(ascii: "s")): pcre ^= UInt32(PCRE2_DOTALL)
            case (.pcre, UInt8(ascii: "x")): pcre ^= UInt32(PCRE2_EXTENDED)
            case (.pcre, UInt8(ascii: "A")): pcre ^= UInt32(PCRE2_ANCHORED)
            case (.pcre, UInt8(ascii: "E")): pcre ^= UInt32(PCRE2_DOLLAR_ENDONLY)
            case (.pcre, UInt8(ascii: "U")): pcre ^= UInt32(PCRE2_UNGREEDY)
            case (.pcre, UInt8(ascii: "X")):
                warn(.regexFlag, line, locate(p), "ignoring obsolete regexp option \"\(letter)\"")
            case (.regexp, UInt8(ascii: "i")): posix ^= POSIXPattern.icase
            case (.regexp, UInt8(ascii: "m")): posix ^= POSIXPattern.newline
            case (.regexp, UInt8(ascii: "x")): posix ^= POSIXPattern.extended
            default:
                warn(.regexFlag, line, locate(p), "unknown regexp option \"\(letter)\": skipping this rule")
                return nil
            }
            p += 1
        }
        return Pattern(text: body, negated: negated, pcreOptions: pcre, posixFlags: posix,
                       flags: String(decoding: text[flagStart..<p], as: UTF8.self), column: column)
    }

    /// regexp: only. glibc's regcomp copies bounded repetitions out and needs memory in the
    /// square of the result (`POSIXPattern.repetitionSize`); Postfix compiles whatever it is
    /// given and a table can take gigabytes. Copies beyond the pattern as written are allowed
    /// up to 1,000 per pattern (about 8 MB in regcomp) and 20,000 per table; a rule over
    /// either is skipped with a warning (Postfix would still load it, at that cost).
    static let repetitionLimit = 1_000, repetitionBudget = 20_000
    private var repetitionSpent = 0

    private mutating func compile(_ pattern: Pattern, line: Int, locate: Locate) -> (any CompiledPattern)? {
        if flavor == .regexp {
            let size = POSIXPattern.repetitionSize(pattern.text, extended: pattern.posixFlags & POSIXPattern.extended != 0)
            let extra = size.expanded - size.written
            if extra > Self.repetitionLimit || repetitionSpent + extra > Self.repetitionBudget {
                warn(.regexCompile, line, (line, pattern.column),
                     "regular expression too large: its bounded repetitions expand to \(size.expanded) atoms "
                     + "(at most \(Self.repetitionLimit) more than written per pattern, \(Self.repetitionBudget) per table; "
                     + "glibc's regcomp needs memory in the square of it): skipping this rule")
                return nil
            }
            repetitionSpent += max(0, extra)
        }
        do {
            switch flavor {
            case .pcre: return try PCREPattern(pattern: pattern.text, options: pattern.pcreOptions)
            case .regexp: return try POSIXPattern(pattern: pattern.text, flags: pattern.posixFlags)
            }
        } catch let error as PatternError {
            switch flavor {
            case .pcre:
                let offset = error.offset ?? 0
                warn(.regexCompile, line, (line, pattern.column + 1 + offset),
                     "error in regex at offset \(offset): \(error.message)")
            case .regexp:
                warn(.regexCompile, line, (line, pattern.column), error.message)
            }
            return nil
        } catch {
            return nil
        }
    }

    /// `pcre map FILE, line N: message` located at `at`.
    private mutating func warn(_ kind: MapWarning.Kind, _ line: Int, _ at: (line: Int, column: Int), _ message: String) {
        warnings.append(MapWarning(kind: kind, file: file, line: at.line, column: at.column, message: message,
                                   postmapText: "\(flavor.rawValue) map \(file), line \(line): \(message)"))
    }

    /// mac_parse()'s own warnings carry no map prefix.
    private mutating func warnBare(_ line: Int, _ at: (line: Int, column: Int), _ message: String) {
        warnings.append(MapWarning(kind: .regexSubstitution, file: file, line: at.line, column: at.column,
                                   message: message, postmapText: message))
    }
}
