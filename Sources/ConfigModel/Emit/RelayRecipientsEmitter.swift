import Foundation

/// `relay_recipients`: every valid recipient, `address OK` (relay_recipient_maps). Inline lists
/// come from the model; a `[recipients] file` is streamed line by line (it may hold millions)
/// and every line is validated as an address before it becomes a key.
enum RelayRecipientsEmitter {
    static func emit(_ g: Gateway, _ ctx: EmitContext) throws(EmitError) -> EmittedFile {
        var out = ctx.banner()
        switch g.recipients {
        case .inline(let list):
            for a in list { out += try ConfigText.mapKey(a.description, at: "recipients") + " OK\n" }
        case .file(let path):
            try appendFile(path, ctx, to: &out)
        }
        return ctx.file(ctx.paths.postfix(MapFiles.relayRecipients), out, map: .hash)
    }

    /// One address per line; blank lines and `#` comments skipped; a trailing `OK` (postmap
    /// source format) is accepted so an existing relay_recipients file can be used as is.
    static func appendFile(_ path: String, _ ctx: EmitContext, to out: inout String) throws(EmitError) {
        let full = path.hasPrefix("/") ? path : ctx.baseDirectory + "/" + path
        guard let data = FileManager.default.contents(atPath: full) else {
            throw EmitError("cannot read recipient file `\(full)`", at: "recipients.file",
                            fix: "check the path (relative paths resolve against gateway.conf's directory)")
        }
        out.reserveCapacity(out.utf8.count + data.count + data.count / 8)
        var lineNo = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Substring(decoding: raw, as: UTF8.self)
            if line.last == "\r" { line = line.dropLast() }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            guard fields.count == 1 || (fields.count == 2 && fields[1] == "OK"),
                  let address = try? EmailAddress(first) else {
                throw EmitError("`\(full)` line \(lineNo): `\(String(line).escapedForMessage)` is not one email address",
                                at: "recipients.file", fix: "write one address per line, e.g. `user@example.com`")
            }
            out += address.description
            out += " OK\n"
        }
    }
}
