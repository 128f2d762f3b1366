import CCDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a cdb table as postmap does with dict_cdb and tinycdb: keys folded, no trailing NUL
/// unless `-N`, and tinycdb's duplicate modes reproduced record for record, so the file equals
/// postmap's byte for byte:
/// - default (CDB_PUT_INSERT): the first record of a key is kept, each later one warned about
///   as `FILE: duplicate entry` and dropped;
/// - `-w` (CDB_PUT_ADD): every record is written, duplicates included (a lookup finds the
///   first);
/// - `-r` (CDB_PUT_REPLACE): earlier records of a key are removed, so each key is stored once,
///   where its last record came.
///
/// `-w` hands each record to `cdb_make_add` as it comes (tinycdb writes the data straight to
/// the file and keeps 8 bytes of index per record). The other two modes need to know a key's
/// earlier records (postmap's tinycdb scans one of 256 in-memory lists per record): they go
/// through `CDBRecords`, a scratch file and a compact key index, and are handed to
/// `cdb_make_add` at commit in the order postmap would have left them. Memory stays bounded by
/// the record count, not the table's bytes.
public final class CDBWriter: MapWriter {
    public let name: MapName
    public private(set) var warnings: [MapWarning] = []
    public private(set) var count = 0
    private let options: MapWriteOptions
    private let recordOptions: MapOptions
    private let file: AtomicFile
    private var fd: Int32 = -1
    private let maker: UnsafeMutablePointer<cdb_make>
    /// nil for `-w`, which needs no lookup.
    private var records: CDBRecords?
    private var folded: [UInt8] = []
    private var finished = false

    public init(_ name: MapName, options: MapWriteOptions = MapWriteOptions()) throws {
        guard name.type == .cdb else {
            throw MapError(.unsupportedType, "\(name.type.rawValue): not a cdb table")
        }
        self.name = name
        self.options = options
        self.recordOptions = options.map.resolvingNul(for: .cdb)
        self.file = try AtomicFile(target: name.databasePath)
        fd = open(file.temp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, options.mode & 0o600)
        guard fd >= 0 else { throw SystemError.io(errno, "create", file.temp) }
        maker = .allocate(capacity: 1)
        // From here on a throw runs deinit: abort() closes and discards, deinit frees `maker`.
        if cdb_make_start(maker, fd) != 0 {
            throw SystemError.io(errno, "start", file.temp)
        }
        let policy = options.map.duplicates
        if policy != .ignore {
            let (scratch, path) = try file.openScratch()
            records = CDBRecords(fd: scratch, path: path, replace: policy == .replace,
                                 expectedEntries: options.expectedEntries, flushAt: options.sortBudget / 16)
        }
    }

    deinit {
        abort()
        maker.deallocate()
    }

    public func append(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int) throws {
        try RecordCheck.validate(key: key, value: value, line: line, table: name)
        guard !finished else { throw MapError(.database, "\(name.databasePath): writer already closed") }
        // The key as stored: folded, NUL added with -N's rule (the value gets its NUL below).
        folded.removeAll(keepingCapacity: true)
        if recordOptions.foldCase {
            KeyFolding.fold(key, smtputf8: recordOptions.smtputf8, appendingTo: &folded)
        } else {
            folded.append(contentsOf: key)
        }
        let nul = recordOptions.nul.writesNul
        if nul { folded.append(0) }
        let keyLength = folded.count
        folded.append(contentsOf: value)
        if nul { folded.append(0) }
        try folded.withUnsafeBufferPointer { b in
            let k = UnsafeBufferPointer(rebasing: b[0..<keyLength]), v = UnsafeBufferPointer(rebasing: b[keyLength...])
            guard records != nil else { return try add(k, v) }
            if try !records!.add(key: k, value: v, line: line) {
                let source = options.sourceFile ?? name.path
                warnings.append(DuplicateWarning.make(k, line: line, source: source, table: MapType.cdb.duplicateWarningName(name.path)))
            }
        }
    }

    private func add(_ k: UnsafeBufferPointer<UInt8>, _ v: UnsafeBufferPointer<UInt8>) throws {
        if cdb_make_add(maker, k.baseAddress, UInt32(k.count), v.baseAddress, UInt32(v.count)) != 0 {
            throw writeError(errno)
        }
        count += 1
    }

    public func commit() throws { try commit(fingerprint: nil, progress: nil) }

    func commit(fingerprint: String?, progress: ((Double) -> Void)?) throws {
        guard !finished else { throw MapError(.database, "\(name.databasePath): writer already closed") }
        do {
            try records?.emit(progress: progress) { k, v in try add(k, v) }
            records = nil
            if cdb_make_finish(maker) != 0 { throw writeError(errno) }
            let code = close(fd) == 0 ? 0 : errno
            fd = -1
            if code != 0 { throw SystemError.io(code, "close", file.temp) }
            let xattrs = fingerprint.map { [(MapBuild.fingerprintAttribute, Array($0.utf8))] } ?? []
            try file.commit(mode: options.mode, owner: options.owner, xattrs: xattrs)
            finished = true
        } catch {
            let explained = DiskSpace.explain(error, near: file.temp)
            abort()
            throw explained
        }
    }

    /// tinycdb reports a file past cdb's 4 GiB limit as ENOMEM; say what it is.
    private func writeError(_ code: Int32) -> MapError {
        if code == ENOMEM {
            return MapError(.io, "write \(file.temp): the table would exceed cdb's 4 GiB limit")
        }
        return SystemError.io(code, "write", file.temp)
    }

    public func abort() {
        if finished { return }
        finished = true
        records = nil
        if fd >= 0 { close(fd) }
        fd = -1
        file.discard()
    }
}

extension CDBWriter: TableWriter {}
