import Foundation
import Diagnostics
import PostfixConfig
import ConfigModel
import GatewayCompiler

/// Everything `gatewayctl check` judges, in one place, so `check` and `build` (which refuses
/// what `check` rejects) can never disagree.
public enum GatewayChecker {
    /// Runs every registered gateway rule over a parsed document.
    public static func check(_ document: GatewayDocument, rules: [any GatewayRule] = RuleRegistry.gatewayRules) -> [Diagnostic] {
        rules.flatMap { $0.check(document) }
    }

    /// What `check(path:)` found, and the compiled tree it judged (so `build` writes the very
    /// tree that was checked instead of emitting a million recipients twice).
    public struct Checked: Sendable {
        public var document: GatewayDocument?
        public var diagnostics: [Diagnostic]
        /// The file could not be read at all (exit 2).
        public var unreadable: Bool
        /// Nil when the model has errors or cannot be emitted.
        public var tree: EmittedTree?
    }

    /// The whole pipeline on a file: parse (with `section.key=value` overrides), the gateway
    /// rules, the Postfix rules (open-relay first) on the files the gateway compiles to, then the
    /// `# gatewayctl: disable=RULE reason` comments of the file.
    public static func check(path: String, overrides: [String] = []) -> Checked {
        let loaded = GatewayLoader.load(path: path, overrides: overrides)
        var checked = Checked(document: loaded.document, diagnostics: loaded.diagnostics,
                              unreadable: loaded.unreadable, tree: nil)
        if let document = loaded.document {
            checked.diagnostics += check(document)
            // The compiled tree is only meaningful for a model without errors.
            if !checked.diagnostics.contains(where: { $0.severity == .error }),
               let tree = try? GatewayEmitter.emit(document.gateway) {
                checked.tree = tree
                checked.diagnostics += PostfixLinter.lint(emitted: tree, version: document.gateway.identity.postfix)
                    .map { anchor($0, in: tree, document: document) }
            }
        }
        if !loaded.unreadable, let bytes = FileManager.default.contents(atPath: path) {
            let (suppressions, problems) = Suppressions.parse(Array(bytes), file: path)
            checked.diagnostics = Suppressions.apply(checked.diagnostics + problems, suppressions)
        }
        return checked
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
}
