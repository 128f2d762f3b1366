/// File I/O the way every command needs it, in one place: a directory handle that resolves
/// each path component below it with openat(O_NOFOLLOW | O_DIRECTORY), so nothing outside a
/// root is ever opened for writing or deleted; reading a regular file with a typed failure and
/// one wording; writing all bytes; atomic replace (temp beside the target, fsync, renameat,
/// fsync of the directory); mkdir -p with each new directory fsynced; an exclusive lock.
/// Knows nothing of gateway.conf, Postfix or lookup tables, and does no terminal I/O: failures
/// come back as `FileError` values (kind, operation, path, errno) that callers print as they are.
/// Linux only (Glibc, /proc/self/fd, flock, extended attributes through the CFileLayer shim).
///
/// Public API
/// - `Directory.open(path, create:)`: a directory the user named (symlinks in that path are
///   followed once, here); `dir.subdirectory("etc/postfix", create:)` resolves below it without
///   following any symlink and reports the directories it created.
/// - `dir.read(name)` -> bytes, `dir.info(name)` -> `stat?` (never follows), `dir.create(name)`
///   -> `WritableFile` (O_EXCL, `writeAll`, `setMode`, `sync`, `close`), `dir.replace(name, with:
///   mode:)` (atomic), `dir.rename/link/remove/removeDirectory/sync/entries`, `dir.attribute`
///   (an extended attribute, read without following), `dir.procPath` (a path naming exactly this
///   directory, for libraries that take paths).
/// - `FileLayer.read(path)` / `FileLayer.openRegular(path)` (streaming): a regular file the user
///   named; `FileLayer.openFailure(path)`: why a path cannot be opened; `FileLayer.writeAll`.
/// - `FileError`: kind (.notFound .permission .isDirectory .notRegularFile .notDirectory .symlink
///   .exists .io), operation, path, errno; `reason` / `description` are the one wording.
/// - `DirectoryLock(dir, name:exclusive:waiting:)`: flock on a lock file under the directory;
///   `waiting` is called once when another process holds it.
public enum FileLayer {
    public static let libraryName = "FileLayer"
}
