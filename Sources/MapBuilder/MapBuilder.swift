/// Lookup tables the way Postfix reads them: postmap-compatible source parsing, Berkeley DB
/// hash/btree writers and readers, pcre/regexp tables. Knows nothing of gateway.conf and does
/// no terminal I/O: problems come back as `MapWarning` values (file, line, column, message,
/// plus `postmapText`, the exact line postmap would log).
///
/// Public API
/// - `MapName(parsing: "hash:/etc/postfix/access")`, `MapType` (.hash .btree .cdb .lmdb .pcre
///   .regexp), `name.databasePath` (`FILE.db`).
/// - `MapOptions(foldCase:smtputf8:duplicates:nul:)`: postmap's `-f`, SMTPUTF8 casefold,
///   `DuplicatePolicy` (.warn default, .ignore `-w`, .replace `-r`), `NulTermination`
///   (.auto default, .always `-N`, .never `-n`).
/// - Source files: `MapSource.parse(contentsOf:options:)` / `MapSource.parse(_:file:options:)`
///   -> `entries: [MapEntry]` (key, value, line; file order, unfolded, duplicates kept) and
///   `warnings`; `source.resolved(options:)` -> `ResolvedMap` (folded keys, duplicates resolved,
///   duplicate warnings, `lookup(key)`), i.e. what Postfix would see, without a .db file.
/// - Building: `MapBuild.build(name, options: MapBuildOptions(map:force:), progress:)` parses
///   `name.path` and writes `name.databasePath` (atomic, postmap's mode rule, incremental skip)
///   -> `MapBuildResult` (warnings, count, skipped). From memory (emitters):
///   `MapBuild.build(name, entries: [MapEntry], options: MapWriteOptions(...))` -> duplicate
///   warnings. `MapBuild.update(name, input:options:)` is `postmap -i` (records added to the
///   existing table, atomically). A built table carries the fingerprint of its source in the
///   xattr `MapBuild.fingerprintAttribute`; `MapBuild.fingerprint(ofSource:type:options:)` says
///   what it must be, so a caller can tell a stale table by content.
/// - Streaming writer: `let w = try openMapWriter(name, options: MapWriteOptions(...))`,
///   `try w.append(key:value:line:)` (String or bytes), `try w.commit()` (or `w.abort()`);
///   `w.warnings`. `BerkeleyDBWriter` is the hash/btree backend; cdb/lmdb plug in behind
///   `MapWriter`. Nothing appears at the target until `commit` renames the fsynced temp file.
/// - Reading: `let r = try MapReader.open(name, options:)`; `try r.lookup("key")` -> String?
///   (folded, NUL-tolerant as Postfix), `try r.dump()` / `r.forEach { key, value in }`.
/// - Regex tables: `RegexTable.parse(contentsOf: path, flavor: .pcre | .regexp)` or
///   `RegexTable.parse(text, file:flavor:)` -> `rules: [RegexRule]` (kind, line, column,
///   pattern, flags, negated, result, substitutes) and `warnings`; `table.query("string")` ->
///   `RegexMatch?` (value with `$n` expanded, line), as `postmap -q STRING pcre:FILE`.
/// - Errors that stop a read or write are thrown as `MapError` (kind: io, symlinkTarget,
///   unsupportedType, database, regex).
public enum MapBuilder {
    public static let libraryName = "MapBuilder"
}
