/// The gateway model, the single source of truth that the compiler, the rules and the simulator
/// all read: `Gateway` (identity, relay, recipients, checks, services) with values validated on
/// construction (`IPAddress`, `CIDR`, domains, addresses, sizes), the gateway.conf language
/// (byte-level lexer, parser with exact spans, `--set` overrides, streaming recipient files,
/// `SyntaxFinding` catalogue GW1xxx) and the result-builder DSL. Knows no emitted file format
/// beyond names and versions (`PostfixVersion`), no rule and no command.
///
/// Public API
/// - `GatewayLoader.load(path:overrides:)` -> bytes, `GatewayDocument?` (model + spans by key
///   path), findings, `unreadable`; `GatewayParser.parse(text:file:overrides:)` for text.
/// - `Gateway { Identity(...); Relay(...); Recipients { ... } }`: the DSL builds the same model.
/// - `RecipientFile.forEachAddress(path:_:)`: streams a recipients file.
public enum ConfigModel {
    public static let libraryName = "ConfigModel"
}
