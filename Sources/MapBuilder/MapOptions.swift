/// What happens to a key that is already in the table (postmap's default, `-r`, `-w`).
public enum DuplicatePolicy: Sendable {
    /// First entry wins, each later one gets a `duplicate entry` warning (postmap's default).
    case warn
    /// First entry wins silently (`postmap -w`).
    case ignore
    /// Last entry wins silently (`postmap -r`).
    case replace
}

/// Whether keys and values are stored with their terminating NUL byte.
public enum NulTermination: Sendable {
    /// Postfix's default on Linux and FreeBSD: write with the NUL; read with, then without.
    case auto
    /// `postmap -N`: always with the NUL.
    case always
    /// `postmap -n`: never with the NUL.
    case never

    var writesNul: Bool { self != .never }
    var readsWithNul: Bool { self != .never }
    var readsWithoutNul: Bool { self != .always }
}

/// Semantics shared by parsing, writing and querying a table.
public struct MapOptions: Sendable {
    /// Lower-case keys on write and on query (`DICT_FLAG_FOLD_FIX`); `postmap -f` turns it off.
    public var foldCase: Bool
    /// `smtputf8_enable = yes`: non-UTF-8 source lines are skipped with a warning and non-ASCII
    /// keys get a Unicode casefold instead of the ASCII lower-case.
    public var smtputf8: Bool
    public var duplicates: DuplicatePolicy
    public var nul: NulTermination

    public init(foldCase: Bool = true, smtputf8: Bool = false, duplicates: DuplicatePolicy = .warn,
                nul: NulTermination = .auto) {
        self.foldCase = foldCase
        self.smtputf8 = smtputf8
        self.duplicates = duplicates
        self.nul = nul
    }
}
