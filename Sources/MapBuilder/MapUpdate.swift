import CBerkeleyDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MapBuild {
    /// `postmap -i`: adds the records of `input` (source syntax, named `stdin` in warnings) to
    /// the existing table, or to a new one. Done the safe way: the old records and the new ones
    /// go into a fresh file that replaces the table atomically, with its mode and owner kept.
    /// Existing keys win unless `options.map.duplicates` is `.replace`, as with postmap.
    public static func update(_ name: MapName, input: [UInt8], options: MapBuildOptions = MapBuildOptions(),
                              inputName: String = "stdin") throws -> MapBuildResult {
        guard name.type.supportsIncrementalUpdate else {
            if name.type == .cdb {
                throw MapError(.unsupportedType, "\(name): a cdb table cannot be updated incrementally (postmap -i fails too): rebuild it from its source")
            }
            throw MapError(.unsupportedType, "\(name.type.rawValue): incremental updates need a hash, btree or lmdb table")
        }
        var existing: [(key: [UInt8], value: [UInt8])] = []
        var write = MapWriteOptions(map: options.map, sourceFile: inputName)
        // Keys already in the table are stored folded (or not, with -f): never fold them again.
        write.map.foldCase = false
        var st = stat()
        if lstat(name.databasePath, &st) == 0 {
            let reader = try MapReader.open(name, options: options.map)
            try reader.forEach { k, v in existing.append((Array(k), Array(v))) }
            write.mode = st.st_mode & 0o7777
            if geteuid() == 0 { write.owner = (st.st_uid, st.st_gid) }
        }
        write.expectedEntries = existing.count + input.count / 24
        let writer = try openTableWriter(name, options: write)
        for record in existing { try writer.append(key: record.key, value: record.value, line: 0) }
        var warnings: [MapWarning] = []
        var folded: [UInt8] = []
        try input.withUnsafeBufferPointer { bytes in
            try SourceScanner.scan(bytes, file: inputName, smtputf8: options.map.smtputf8,
                                   warning: { warnings.append($0) },
                                   record: { key, value, line in
                                       if options.map.foldCase {
                                           KeyFolding.fold(key, smtputf8: options.map.smtputf8, into: &folded)
                                       } else {
                                           folded = Array(key)
                                       }
                                       try folded.withUnsafeBufferPointer {
                                           try writer.append(key: $0, value: value, line: line)
                                       }
                                   })
        }
        try writer.commit()
        warnings.append(contentsOf: writer.warnings)
        warnings.sort { $0.line < $1.line }
        return MapBuildResult(name: name, warnings: warnings, count: writer.count, skipped: false,
                              sourceBytes: input.count)
    }
}
