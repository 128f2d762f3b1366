import ConfigModel
import PostfixConfig

/// `relay_recipients`: every valid recipient, `address OK` (relay_recipient_maps). Inline lists
/// come from the model; a `[recipients] file` is streamed line by line (it may hold millions)
/// and every line is validated as an address before it becomes a key.
enum RelayRecipientsEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile {
        var out = ctx.banner()
        switch g.recipients {
        case .inline(let list):
            for (i, a) in list.enumerated() {
                let key = try ConfigText.mapKey(a.description, at: "recipients")
                if !SMTPUTF8.enabled(g.identity.postfix), let bad = key.unicodeScalars.firstIndex(where: { !$0.isASCII }) {
                    throw SMTPUTF8.refusal(g.identity.postfix, at: "recipients[\(i)]",
                                           offset: key.unicodeScalars.distance(from: key.unicodeScalars.startIndex, to: bad))
                }
                out += key + " OK\n"
            }
        case .file(let path):
            // Streamed, never held: the file may hold millions of addresses.
            let produce = stream(path, banner: out, asciiOnly: !SMTPUTF8.enabled(g.identity.postfix), version: g.identity.postfix)
            let contents: StreamedContents
            do { contents = try StreamedContents(produce) } catch {
                throw error as? EmitError ?? EmitError("cannot read recipient file `\(path)`", at: "recipients.file")
            }
            return ctx.table(ctx.paths.postfix(MapFiles.relayRecipients), stream: contents)
        }
        return ctx.table(ctx.paths.postfix(MapFiles.relayRecipients), out)
    }

    /// Produces `banner` then `address OK` per line of the file, in chunks that end at line
    /// ends, reading it with the parser's reader (it validated the same lines); any line that
    /// is not an address stops the build rather than becoming a key.
    static func stream(_ path: String, banner: String, asciiOnly: Bool = false,
                       version: PostfixVersion? = nil) -> @Sendable (StreamedContents.Sink) throws -> Void {
        { sink in
            let full = path
            var bad: RecipientFile.Item?
            // Bytes, not Strings: this loop runs once per recipient (millions). A key must be one
            // token of printable bytes; the reader's address check already refuses worse.
            var bytes = Array(banner.utf8)
            bytes.reserveCapacity(Self.chunk + 4096)
            var nonASCII: (line: Int, column: Int)?
            var sinkError: (any Error)?
            do {
                try RecipientFile.scan(path: full) { line, column, address, problem in
                    guard bad == nil, sinkError == nil else { return }
                    if problem != nil || address.isEmpty || address.contains(where: { $0 <= 0x20 || $0 == 0x7f }) {
                        bad = RecipientFile.Item(line: line, column: column,
                                                 address: String(decoding: address, as: UTF8.self), problem: problem)
                        return
                    }
                    if asciiOnly, nonASCII == nil, address.contains(where: { $0 >= 0x80 }) { nonASCII = (line, column) }
                    bytes.append(contentsOf: address)
                    bytes.append(contentsOf: " OK\n".utf8)
                    if bytes.count >= Self.chunk {
                        do { try bytes.withUnsafeBufferPointer(sink) } catch { sinkError = error }
                        bytes.removeAll(keepingCapacity: true)
                    }
                }
            } catch {
                throw EmitError("cannot read recipient file `\(full)`", at: "recipients.file",
                                fix: "check the path (relative paths resolve against gateway.conf's directory)")
            }
            if let sinkError { throw sinkError }
            if let n = nonASCII, bad == nil, let version {
                var e = SMTPUTF8.refusal(version, at: "recipients.file")
                e.message = "`\(full)` line \(n.line) column \(n.column): " + e.message
                throw e
            }
            if let b = bad {
                throw EmitError("`\(full)` line \(b.line): `\(b.address.escapedForMessage)` is not an email address"
                                + (b.problem.map { " (\($0))" } ?? ""), at: "recipients.file",
                                fix: "write one address per line, e.g. `user@example.com`")
            }
            if !bytes.isEmpty { try bytes.withUnsafeBufferPointer(sink) }
        }
    }

    /// Bytes handed to the sink at a time.
    static let chunk = 1 << 16
}
