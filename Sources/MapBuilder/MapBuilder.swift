/// Lookup tables the way Postfix reads them: postmap-compatible source parsing, Berkeley DB
/// hash/btree writers and readers, pcre/regexp tables. Knows nothing of gateway.conf.
public enum MapBuilder {
    public static let libraryName = "MapBuilder"
}
