import Diagnostics
import PostfixConfig
import ConfigModel

/// The compile pipeline as one value. Loading a gateway.conf produces, once each: the bytes,
/// the document, the reader's findings, the emitted tree or the emit error (as a finding, never
/// dropped), and the Postfix configuration of the emitted tree with the map from compiled lines
/// back to gateway.conf. `check`, `build` and `simulate CONFIG` all consume it, so they cannot
/// disagree about what the file means; the rules that judge it live above (Lint).
public struct Compilation: Sendable {
    public var path: String
    /// The file as read; empty when it could not be read.
    public var bytes: [UInt8]
    /// Nil when the reader found errors (or the file could not be read).
    public var document: GatewayDocument?
    /// The reader's findings, then the emit error if emission failed.
    public var diagnostics: [Diagnostic]
    /// The file could not be read at all (exit 2).
    public var unreadable: Bool
    /// The files the gateway compiles to; nil when there is no document or emission failed.
    public var tree: EmittedTree?
    /// The emitted main.cf/master.cf (and tables, from memory) as Postfix reads them.
    public var postfix: PostfixConfigSet?

    /// Reads `path` once and runs every stage the input allows.
    public static func compile(path: String, overrides: [String] = []) -> Compilation {
        let loaded = GatewayLoader.load(path: path, overrides: overrides)
        var c = Compilation(path: path, bytes: loaded.bytes, document: loaded.document,
                            diagnostics: loaded.diagnostics, unreadable: loaded.unreadable)
        guard let document = loaded.document else { return c }
        do {
            let tree = try GatewayEmitter.emit(document.gateway)
            c.tree = tree
            c.postfix = tree.postfixConfiguration(version: document.gateway.identity.postfix)
        } catch {
            c.diagnostics.append(error.diagnostic(in: document))
        }
        return c
    }

    /// Where a finding on a compiled file belongs in gateway.conf: the `[restrictions] KEY` entry
    /// for a hand-written list, else the file itself. Nil for a span outside the compiled tree.
    public func origin(of span: SourceSpan) -> SourceSpan? {
        guard let document, let tree, tree.file(absolute: span.file) != nil else { return nil }
        if let mainCf = postfix?.mainCf, mainCf.file == span.file,
           let entry = mainCf.entries.last(where: { $0.nameSpan.line <= span.line && span.line <= $0.valueSpan.endLine }),
           let key = Self.restrictionKeys[entry.name], let target = document.spans["restrictions.\(key)"] {
            return target
        }
        return .file(document.path)
    }

    /// main.cf restriction lists and the `[restrictions]` keys that replace them.
    static let restrictionKeys = [
        "smtpd_client_restrictions": "client", "smtpd_helo_restrictions": "helo",
        "smtpd_sender_restrictions": "sender", "smtpd_recipient_restrictions": "recipient",
        "smtpd_relay_restrictions": "relay",
    ]
}
