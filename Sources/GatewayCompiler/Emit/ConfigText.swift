/// The one place where user data turns into configuration text. Every emitter goes through these
/// helpers, so no value can smuggle a newline, NUL, `$` expansion or list separator into a file.
enum ConfigText {
    /// Control characters end lines or truncate C strings in every daemon we write for.
    static func hasControl(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
    }

    /// A free-text value that stays on one line (reply texts, error: messages).
    static func line(_ s: String, at keyPath: String) throws(EmitError) -> String {
        guard !hasControl(s) else {
            throw EmitError("value holds a control character (newline, tab or NUL)", at: keyPath,
                            fix: "write the text on one line without control characters", unsafe: true)
        }
        return s.trimmingWhitespace()
    }

    /// main.cf value text: `$` would expand a parameter, so it is doubled (`$$` is a literal `$`).
    /// Braces cannot be escaped in main.cf: a group Postfix would misread is refused (`braces`).
    static func mainCfLiteral(_ s: String, at keyPath: String) throws(EmitError) -> String {
        let text = try line(s, at: keyPath)
        try braces(text, at: keyPath)
        return text.replacingAll("$", with: "$$")
    }

    /// Refuses text that Postfix's `{}` grouping misreads in a main.cf value: postconf (and every
    /// daemon that reads the value as a list) splits it at spaces, tabs and commas, a `{` keeps a
    /// word together up to its matching `}`, and a word that starts with `{` (or whose part after
    /// a first `:` does, as in `type:{...}`) must be one whole group: otherwise it warns
    /// `missing '}'` or `syntax error after '}'` on every command. Measured with postconf 3.7:
    /// `a {b` and `a:{b` warn, `x{y`, `a }` and `x {y} z` do not. The error points at the brace.
    static func braces(_ text: String, at keyPath: String) throws(EmitError) {
        let b = Array(text.unicodeScalars)
        func isSeparator(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "," || c == "\r" || c == "\n" }
        func matching(_ open: Int, _ end: Int) -> Int? {
            var depth = 0
            for k in open..<end {
                if b[k] == "{" { depth += 1 } else if b[k] == "}" { depth -= 1; if depth == 0 { return k } }
            }
            return nil
        }
        var i = 0
        while i < b.count {
            while i < b.count, isSeparator(b[i]) { i += 1 }
            let start = i
            var depth = 0
            while i < b.count, depth > 0 || !isSeparator(b[i]) {
                if b[i] == "{" { depth += 1 } else if b[i] == "}", depth > 0 { depth -= 1 }
                i += 1
            }
            guard start < i else { break }
            var group = start
            if b[start] != "{", let colon = b[start..<i].firstIndex(of: ":"), colon + 1 < i { group = colon + 1 }
            guard b[group] == "{" else { continue }
            guard let close = matching(group, i) else {
                throw EmitError("`{` has no matching `}`: Postfix warns `missing '}'` whenever it reads main.cf",
                                at: keyPath, fix: "remove the brace or close it: `{...}` must stand alone as a word",
                                offset: group)
            }
            if close + 1 < i {
                throw EmitError("text right after `}`: Postfix warns `syntax error after '}'` whenever it reads main.cf",
                                at: keyPath, fix: "put a space after the `}`, or remove the braces", offset: close)
            }
        }
    }

    /// A pcre table result: `$n` would substitute a capture group, so `$` is doubled.
    static func pcreResult(_ s: String, at keyPath: String) throws(EmitError) -> String {
        try line(s, at: keyPath).replacingAll("$", with: "$$")
    }

    /// A hash-table key: one token (the first whitespace ends it), not a comment, not quoted.
    static func mapKey(_ s: String, at keyPath: String) throws(EmitError) -> String {
        guard !s.isEmpty, !hasControl(s), !s.contains(where: { $0 == " " || $0 == "\"" }), s.first != "#" else {
            throw EmitError("`\(s.escapedForMessage)` cannot be a lookup table key", at: keyPath,
                            fix: "use one word without spaces, quotes or a leading `#`", unsafe: true)
        }
        return s
    }

    /// A hash-table value: one line, not empty.
    static func mapValue(_ s: String, at keyPath: String) throws(EmitError) -> String {
        let v = try line(s, at: keyPath)
        guard !v.isEmpty else { throw EmitError("lookup table value is empty", at: keyPath) }
        return v
    }

    /// One token of a Postfix list or a master.cf `-o` value: no separators at all.
    static func token(_ s: String, at keyPath: String) throws(EmitError) -> String {
        guard !s.isEmpty, !hasControl(s),
              !s.contains(where: { $0 == " " || $0 == "," || $0 == "$" || $0 == "{" || $0 == "}" || $0 == "#" }) else {
            throw EmitError("`\(s.escapedForMessage)` cannot be one Postfix list element", at: keyPath,
                            fix: "remove spaces, commas, `$`, braces and `#`", unsafe: true)
        }
        return s
    }

    /// A Perl single-quoted string literal (amavisd.conf, policyd-weight.conf).
    static func perlString(_ s: String, at keyPath: String) throws(EmitError) -> String {
        let v = try line(s, at: keyPath)
        return "'" + v.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'"
    }

    /// A shell double-quoted word for rc.conf / /etc/default files: only safe characters pass.
    static func shellWord(_ s: String, at keyPath: String) throws(EmitError) -> String {
        let ok = s.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || "-_.:/=[]@+".unicodeScalars.contains(c)
        }
        guard !s.isEmpty, ok else {
            throw EmitError("`\(s.escapedForMessage)` cannot be passed as a daemon option", at: keyPath, unsafe: true)
        }
        return s
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }

    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " { s = s.dropFirst() }
        while let l = s.last, l == " " { s = s.dropLast() }
        return String(s)
    }

    /// Control characters shown as `\n`, `\u{0}` so a message about them stays on one line.
    var escapedForMessage: String {
        unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? $0.escaped(asASCII: true) : String($0) }.joined()
    }
}
