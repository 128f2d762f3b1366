import Diagnostics

/// One `-o name=value` override of a master.cf service.
public struct MasterOverride: Sendable {
    public var name: String
    public var value: String
    /// The whole `-o ...` argument (for findings about the override).
    public var span: SourceSpan
    /// Just the parameter name.
    public var nameSpan: SourceSpan
    /// Just the value; list items inside it get sub-spans via `valueSpan(_:_:)`.
    public var valueSpan: SourceSpan
    var line: LogicalLine
    var valueOffset: Int

    public func valueSpan(_ start: Int, _ end: Int) -> SourceSpan {
        line.span(valueOffset + start, valueOffset + end)
    }
}

/// One service entry of master.cf: the 8 fields and the command's arguments.
public struct MasterService: Sendable {
    public var name: String
    public var type: String
    public var `private`: String
    public var unprivileged: String
    public var chroot: String
    public var wakeup: String
    public var maxproc: String
    /// The program (`smtpd`, `smtp`, `pipe`, ...).
    public var command: String
    public var arguments: [String]
    public var overrides: [MasterOverride]
    /// The span of the service name field, and of each of the 8 fields in order.
    public var span: SourceSpan
    public var fieldSpans: [SourceSpan]

    /// True for services that run the SMTP server and so apply smtpd restrictions.
    public var isSMTPServer: Bool { command == "smtpd" }
    /// The last override of `name` (later `-o` wins, as in Postfix).
    public func override(_ name: String) -> MasterOverride? { overrides.last { $0.name == name } }
}

/// A parsed master.cf (master(5)): services in file order plus syntax findings.
public struct MasterCf: Sendable {
    public var file: String
    public var services: [MasterService] = []
    public var diagnostics: [Diagnostic] = []
    /// The file as read (for inline suppressions).
    public var bytes: [UInt8]

    public init(file: String, text: String) { self.init(file: file, bytes: Array(text.utf8)) }

    public init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
        let (lines, found) = LogicalLines.readReporting(bytes, file: file)
        diagnostics += found
        for line in lines { parse(line) }
    }

    private mutating func parse(_ line: LogicalLine) {
        let b = line.bytes
        // Fields are whitespace separated; `{ ... }` groups one argument holding spaces.
        var tokens: [Range<Int>] = []
        var i = 0
        while i < b.count {
            while i < b.count, b[i].isPostfixSpace { i += 1 }
            guard i < b.count else { break }
            let start = i
            var depth = 0
            while i < b.count {
                if b[i] == 0x7b { depth += 1 } else if b[i] == 0x7d, depth > 0 { depth -= 1 } else if depth == 0, b[i].isPostfixSpace { break }
                i += 1
            }
            tokens.append(start..<i)
        }
        func text(_ r: Range<Int>) -> String { String(decoding: b[r], as: UTF8.self) }
        guard tokens.count >= 8 else {
            let r = tokens.first ?? 0..<max(1, b.count)
            diagnostics.append(PostfixSyntaxFinding.masterCfFields.diagnostic(
                "service entry has \(tokens.count) fields; master.cf needs 8 (service type private unpriv chroot wakeup maxproc command)",
                at: line.span(r.lowerBound, r.upperBound),
                fix: "write all 8 fields, using `-` for defaults"))
            return
        }
        var service = MasterService(
            name: text(tokens[0]), type: text(tokens[1]), private: text(tokens[2]), unprivileged: text(tokens[3]),
            chroot: text(tokens[4]), wakeup: text(tokens[5]), maxproc: text(tokens[6]), command: text(tokens[7]),
            arguments: tokens.dropFirst(8).map(text), overrides: [],
            span: line.span(tokens[0].lowerBound, tokens[0].upperBound),
            fieldSpans: tokens.prefix(8).map { line.span($0.lowerBound, $0.upperBound) })
        var k = 8
        while k < tokens.count {
            let t = tokens[k]
            let tt = text(t)
            var argRange: Range<Int>?
            var optStart = t.lowerBound
            // pipe(8)'s `argv=` owns the rest of the line: `sendmail -oi -f ${sender}` are the
            // command's own arguments, not overrides.
            if tt.hasPrefix("argv=") { break }
            if tt == "-o", k + 1 < tokens.count {
                argRange = tokens[k + 1]
                k += 2
            } else if tt.hasPrefix("-o"), tt.count > 2 {
                argRange = (t.lowerBound + 2)..<t.upperBound
                k += 1
            } else {
                k += 1
                continue
            }
            guard var r = argRange else { continue }
            if tt != "-o" { optStart = t.lowerBound }
            // `{ name = value }`: strip the braces and the whitespace inside them.
            if b[r.lowerBound] == 0x7b, b[r.upperBound - 1] == 0x7d, r.count >= 2 {
                r = (r.lowerBound + 1)..<(r.upperBound - 1)
                while !r.isEmpty, b[r.lowerBound].isPostfixSpace { r = (r.lowerBound + 1)..<r.upperBound }
                while !r.isEmpty, b[r.upperBound - 1].isPostfixSpace { r = r.lowerBound..<(r.upperBound - 1) }
            }
            guard let eq = b[r].firstIndex(of: 0x3d) else {
                diagnostics.append(PostfixSyntaxFinding.masterCfFields.diagnostic(
                    "`-o \(text(r))` is not `name=value`", at: line.span(optStart, r.upperBound),
                    fix: "write the override as `-o name=value`"))
                continue
            }
            var nameEnd = eq
            while nameEnd > r.lowerBound, b[nameEnd - 1].isPostfixSpace { nameEnd -= 1 }
            // `-o =x` or `-o { = x }`: postconf warns `missing attribute name`, master ignores it.
            guard nameEnd > r.lowerBound else {
                diagnostics.append(PostfixSyntaxFinding.masterCfFields.diagnostic(
                    "`-o \(text(r))` has no parameter name", at: line.span(optStart, r.upperBound),
                    fix: "write the override as `-o name=value`"))
                continue
            }
            var vs = eq + 1
            while vs < r.upperBound, b[vs].isPostfixSpace { vs += 1 }
            service.overrides.append(MasterOverride(
                name: text(r.lowerBound..<nameEnd), value: text(vs..<r.upperBound),
                span: line.span(optStart, argRange?.upperBound ?? r.upperBound),
                nameSpan: line.span(r.lowerBound, nameEnd),
                valueSpan: line.span(vs, r.upperBound), line: line, valueOffset: vs))
        }
        services.append(service)
    }
}
