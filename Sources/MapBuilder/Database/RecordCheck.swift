#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Records handed to a writer from memory (an emitter's data) must be ones a source line could
/// hold: a NUL would silently cut the key or value Postfix sees, a newline would be a record no
/// `postmap` source can express, an empty key or value is what postmap skips as bad format.
/// Rejected, never written.
enum RecordCheck {
    static func validate(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int,
                         table: MapName) throws {
        func problem(_ what: String) -> MapError {
            MapError(.invalidRecord, "\(table): record \(line): \(what)")
        }
        guard let k = key.baseAddress, !key.isEmpty else { throw problem("empty key") }
        guard let v = value.baseAddress, !value.isEmpty else { throw problem("empty value") }
        // libdb sizes are 32-bit.
        if key.count >= Int(UInt32.max) || value.count >= Int(UInt32.max) { throw problem("record larger than 4 GiB") }
        if memchr(k, 0, key.count) != nil { throw problem("key contains a NUL byte") }
        if memchr(v, 0, value.count) != nil { throw problem("value contains a NUL byte") }
        if memchr(k, 0x0A, key.count) != nil { throw problem("key contains a newline") }
        if memchr(v, 0x0A, value.count) != nil { throw problem("value contains a newline") }
    }
}
