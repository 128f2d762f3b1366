import ConfigModel
import PostfixConfig

/// Whether the target Postfix folds table keys with SMTPUTF8, and the refusal when it cannot
/// hold a non-ASCII key at all.
///
/// Postfix 3.0 and later: `smtputf8_enable` defaults to yes from `compatibility_level` 1, and
/// main.cf always sets a level of at least 2 on these releases (`MainCfEmitter`); then postmap
/// and smtpd casefold non-ASCII keys and lookups (dict_utf8, ICU's full case folding), so
/// `JÖRG@example.org` is stored and found as `jörg@example.org` (MapBuilder's `smtputf8` mode).
/// Before 3.0 there is no SMTPUTF8: keys are folded byte-wise (ASCII only) and the SMTP server
/// knows nothing of UTF-8 addresses, so such a recipient is refused rather than half-working.
enum SMTPUTF8 {
    static func enabled(_ version: PostfixVersion) -> Bool { version >= PostfixVersion(3, 0) }

    static func refusal(_ version: PostfixVersion, at keyPath: String, offset: Int? = nil) -> EmitError {
        EmitError("a non-ASCII address cannot be a key for Postfix \(version): SMTPUTF8 (Unicode case folding of "
                  + "table keys) exists from Postfix 3.0 on", at: keyPath,
                  fix: "target Postfix 3.0 or later (`postfix = 3.7` in [gateway]), or write the address in ASCII",
                  offset: offset)
    }
}
