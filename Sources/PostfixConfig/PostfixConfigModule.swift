/// Postfix configurations as Postfix reads them: main.cf and master.cf with exact spans
/// (`MainCf`, `MasterCf`, logical lines and continuation rules), `$name` expansion, the
/// effective parameters of each smtpd service (`ParameterScope`: -o overrides, main.cf, the
/// compatibility level's defaults), parameter and restriction knowledge generated from
/// `postconf -d`, access tables (`AccessTable`, read through MapBuilder), and the ClamAV and
/// amavis readers beside them. Its own parse findings come from its catalogue
/// (`PostfixSyntaxFinding`). Knows no gateway.conf, no lint rule and no command.
///
/// Public API
/// - `PostfixConfigSet.load(directory:version:)` or `PostfixConfigSet(mainCf:masterCf:version:
///   memoryFiles:)` (an emitted tree held in memory); `config.smtpdServices`,
///   `config.parameters(for: service)` -> `ParameterScope` (`value`, `list`), `config.localPath`.
/// - `config.tables.table(reference, config:scope:at:)` -> `AccessTable` (entries, kind,
///   warnings), cached per run; `config.tables.derived(key) { ... }` memoises any value a
///   higher layer computes from the configuration.
/// - `PostfixKnowledge` (parameters, defaults by version, restrictions and their contexts),
///   `PostfixVersion`, `PostfixList.split`, `ClamConf`.
public enum PostfixConfig {
    public static let libraryName = "PostfixConfig"
}
