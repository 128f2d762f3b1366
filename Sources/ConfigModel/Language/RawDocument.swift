import Diagnostics

/// One entry of a section: `key = value`, or a bare line (`key` nil for list items; in map
/// sections a bare line is kept with `value` nil so the section decides whether it may be bare).
struct RawEntry: Sendable {
    var key: Token?
    var value: Token?
    /// The whole trimmed line (or the override text).
    var line: Token
}

struct RawSection: Sendable {
    var name: Token
    var entries: [RawEntry]
}

/// gateway.conf grouped into known sections, before any value is interpreted. Unknown and
/// duplicate sections are reported here; a duplicate section's entries join the first one so
/// that duplicate keys across them are reported too.
struct RawDocument: Sendable {
    var sections: [RawSection] = []
    /// Sections that may be present under a broken or misspelt header: "missing section" would
    /// only repeat that finding. `nil` after an unreadable header (it could have been any).
    var possiblyPresent: Set<String>? = []

    func section(_ name: String) -> RawSection? { sections.first { $0.name.text == name } }

    static func group(_ lines: [RawLine], file: String, diagnostics: inout [Diagnostic]) -> RawDocument {
        var doc = RawDocument()
        var index: [String: Int] = [:]
        var current: Int?          // index into doc.sections; nil before the first header or in an unknown one
        var inUnknown = false
        var reportedOutside = false
        for line in lines {
            switch line {
            case .header(let name, _):
                inUnknown = false
                guard let schema = SectionSchema.section(name.text) else {
                    var fix: String?
                    if let s = Suggest.closest(to: name.text, in: SectionSchema.sectionNames) {
                        fix = "did you mean `[\(s)]`?"
                        doc.possiblyPresent?.insert(s)
                    }
                    diagnostics.append(SyntaxFinding.unknownSection.diagnostic(
                        "unknown section `[\(name.text)]`", at: name.span, fix: fix ?? "known sections: " + SectionSchema.sectionList))
                    current = nil
                    inUnknown = true
                    continue
                }
                if let first = index[schema.name] {
                    diagnostics.append(SyntaxFinding.duplicateSection.diagnostic(
                        "duplicate section `[\(name.text)]`", at: name.span,
                        notes: [.init("first defined here", at: doc.sections[first].name.span)],
                        fix: "merge the two sections into one"))
                    current = first
                } else {
                    index[schema.name] = doc.sections.count
                    current = doc.sections.count
                    doc.sections.append(RawSection(name: name, entries: []))
                }
            case .badHeader:
                doc.possiblyPresent = nil
                current = nil
                inUnknown = true
            case .text(let t):
                guard let c = current else {
                    if !inUnknown, !reportedOutside {
                        reportedOutside = true
                        diagnostics.append(SyntaxFinding.entryOutsideSection.diagnostic(
                            "entry before the first section header", at: t.span,
                            fix: "start the file with a section header such as `[gateway]`"))
                    }
                    continue
                }
                let shape = SectionSchema.section(doc.sections[c].name.text)?.shape ?? .keyed
                doc.sections[c].entries.append(split(t, shape: shape, section: doc.sections[c].name.text))
            }
        }
        return doc
    }

    /// Splits `key = value`. HELO patterns may hold `=` inside the regex, so a key that starts
    /// with a regex delimiter ends at its closing delimiter and flags. In list sections only a
    /// word before `=` makes a key (addresses may hold `=`, e.g. SRS local parts).
    static func split(_ t: Token, shape: SectionSchema.Shape, section: String) -> RawEntry {
        let s = t.text
        var searchFrom = s.startIndex
        if shape == .map, let end = regexEnd(s) { searchFrom = end }
        guard let eq = s[searchFrom...].firstIndex(of: "=") else {
            return RawEntry(key: shape == .map ? t : nil, value: nil, line: t)
        }
        let key = t.slice(s.startIndex..<eq).trimmed()
        let value = t.slice(s.index(after: eq)..<s.endIndex).trimmed()
        if shape == .list {
            let isWord = !key.text.isEmpty && key.text.allSatisfy { ($0 >= "a" && $0 <= "z") || $0 == "-" || ($0 >= "A" && $0 <= "Z") }
            guard isWord else { return RawEntry(key: nil, value: nil, line: t) }
        }
        return RawEntry(key: key, value: value, line: t)
    }

    /// Index just past `/regex/flags` (or `!/regex/flags`) at the start of `s`, if it is one.
    static func regexEnd(_ s: String) -> String.Index? {
        var i = s.startIndex
        if i < s.endIndex, s[i] == "!" { i = s.index(after: i) }
        guard i < s.endIndex, s[i] == "/" else { return nil }
        i = s.index(after: i)
        while i < s.endIndex {
            if s[i] == "\\" {
                i = s.index(after: i)
                if i < s.endIndex { i = s.index(after: i) }
                continue
            }
            if s[i] == "/" {
                i = s.index(after: i)
                while i < s.endIndex, s[i].isLetter { i = s.index(after: i) }
                return i
            }
            i = s.index(after: i)
        }
        return nil
    }

    /// Applies `section.key=value` overrides (from `--set`) before validation. They may set any
    /// fixed key; entries of map and list sections are data and stay in the file.
    mutating func apply(overrides: [String], diagnostics: inout [Diagnostic]) {
        for (n, text) in overrides.enumerated() {
            let whole = Token(text: text, file: "--set", line: n + 1, column: 1)
            guard let eq = text.firstIndex(of: "="), let dot = text[..<eq].firstIndex(of: ".") else {
                diagnostics.append(SyntaxFinding.badOverride.diagnostic(
                    "override `\(text)` is not `section.key=value`", at: whole.span,
                    fix: "write e.g. `--set gateway.platform=debian`"))
                continue
            }
            let sectionTok = whole.slice(text.startIndex..<dot).trimmed()
            let keyTok = whole.slice(text.index(after: dot)..<eq).trimmed()
            let valueTok = whole.slice(text.index(after: eq)..<text.endIndex).trimmed()
            guard let schema = SectionSchema.section(sectionTok.text) else {
                let fix = Suggest.closest(to: sectionTok.text, in: SectionSchema.sectionNames).map { "did you mean `\($0)`?" }
                diagnostics.append(SyntaxFinding.unknownSection.diagnostic(
                    "unknown section `\(sectionTok.text)` in override", at: sectionTok.span, fix: fix))
                continue
            }
            guard schema.keys.contains(keyTok.text) else {
                if schema.shape != .keyed {
                    diagnostics.append(SyntaxFinding.badOverride.diagnostic(
                        "entries of `[\(schema.name)]` cannot be overridden", at: keyTok.span,
                        fix: schema.keys.isEmpty ? "edit the file" : "overridable keys: "
                            + schema.keys.map { "`\(schema.name).\($0)`" }.joined(separator: ", ")))
                } else {
                    let fix = Suggest.closest(to: keyTok.text, in: schema.keys).map { "did you mean `\(schema.name).\($0)`?" }
                    diagnostics.append(SyntaxFinding.unknownKey.diagnostic(
                        "unknown key `\(keyTok.text)` in `[\(schema.name)]`", at: keyTok.span, fix: fix))
                }
                continue
            }
            let entry = RawEntry(key: keyTok, value: valueTok, line: whole)
            if let si = sections.firstIndex(where: { $0.name.text == schema.name }) {
                sections[si].entries.removeAll { $0.key?.text == keyTok.text }
                sections[si].entries.append(entry)
            } else {
                sections.append(RawSection(name: sectionTok, entries: [entry]))
            }
        }
    }
}
