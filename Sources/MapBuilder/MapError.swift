/// Why a table could not be read or written at all (as opposed to a `MapWarning` in its source).
public struct MapError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case io              // open/read/write/fsync/rename failed
        case symlinkTarget   // the output path is a symbolic link
        case unsupportedType // no backend for this table type (yet)
        case database        // libdb reported an error
        case regex           // a regex table could not be used
        case invalidRecord   // a key or value no source line could hold (empty, NUL, newline)
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
