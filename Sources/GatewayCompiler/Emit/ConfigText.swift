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
    static func mainCfLiteral(_ s: String, at keyPath: String) throws(EmitError) -> String {
        try line(s, at: keyPath).replacingAll("$", with: "$$")
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
