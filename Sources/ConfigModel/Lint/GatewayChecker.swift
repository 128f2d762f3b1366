import Foundation

/// Everything `gatewayctl check` judges, in one place, so `check` and `build` (which refuses
/// what `check` rejects) can never disagree.
public enum GatewayChecker {
    /// Runs every registered gateway rule over a parsed document.
    public static func check(_ document: GatewayDocument, rules: [any GatewayRule] = RuleRegistry.gatewayRules) -> [Diagnostic] {
        rules.flatMap { $0.check(document) }
    }

    /// The whole pipeline on a file: parse (with `section.key=value` overrides), the gateway
    /// rules, the Postfix rules (open-relay first) on the files the gateway compiles to, then the
    /// `# gatewayctl: disable=RULE reason` comments of the file.
    public static func check(path: String, overrides: [String] = []) -> GatewayLoader.Result {
        var loaded = GatewayLoader.load(path: path, overrides: overrides)
        if let document = loaded.document {
            loaded.diagnostics += check(document)
            // The compiled tree is only meaningful for a model without errors.
            if !loaded.diagnostics.contains(where: { $0.severity == .error }),
               let tree = try? GatewayEmitter.emit(document.gateway, baseDirectory: directory(of: path)) {
                loaded.diagnostics += PostfixLinter.lint(emitted: tree, version: document.gateway.identity.postfix)
                    .map { anchor($0, in: tree, document: document) }
            }
        }
        if !loaded.unreadable, let bytes = FileManager.default.contents(atPath: path) {
            let (suppressions, problems) = Suppressions.parse(Array(bytes), file: path)
            loaded.diagnostics = Suppressions.apply(loaded.diagnostics + problems, suppressions)
        }
        return loaded
    }

    /// A finding on a compiled file (which exists only in memory during `check`) is moved to the
    /// gateway.conf entry it comes from, `[restrictions] KEY` for a hand-written list; the
    /// compiled line stays as the first note.
    static func anchor(_ d: Diagnostic, in tree: EmittedTree, document: GatewayDocument) -> Diagnostic {
        guard let file = tree.files.first(where: { "/" + $0.path == d.span.file }) else { return d }
        var target = SourceSpan.file(document.path)
        if file.path.hasSuffix("postfix/main.cf") {
            let mainCf = MainCf(file: d.span.file, text: file.contents)
            let entry = mainCf.entries.last { $0.nameSpan.line <= d.span.line && d.span.line <= $0.valueSpan.endLine }
            if let name = entry?.name, let key = restrictionKeys[name], let span = document.spans["restrictions.\(key)"] {
                target = span
            }
        }
        var moved = d
        moved.span = target
        moved.notes.insert(.init("in the compiled `\(d.span.file)`, line \(d.span.line)", at: nil), at: 0)
        return moved
    }

    /// main.cf restriction lists and the `[restrictions]` keys that replace them.
    static let restrictionKeys = [
        "smtpd_client_restrictions": "client", "smtpd_helo_restrictions": "helo",
        "smtpd_sender_restrictions": "sender", "smtpd_recipient_restrictions": "recipient",
        "smtpd_relay_restrictions": "relay",
    ]

    /// The folder relative paths in gateway.conf (`[recipients] file =`) are resolved against.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
