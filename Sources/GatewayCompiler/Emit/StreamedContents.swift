import MapBuilder

/// The contents of an emitted file too big to hold (a relay_recipients table of millions of
/// lines): produced on demand, a chunk at a time, by re-reading what it is made from. Its size
/// and XXH64 are taken when it is emitted; every later production is checked against them, so
/// a source that changed between `check` and the write fails the build instead of writing
/// something nobody validated. Two streams are equal when their size and hash are.
public struct StreamedContents: Equatable, Sendable {
    public typealias Sink = (UnsafeBufferPointer<UInt8>) throws -> Void
    /// Byte count and `ContentHash.xxh64` of the contents.
    public let size: Int
    public let xxh64: UInt64
    private let produce: @Sendable (_ sink: Sink) throws -> Void

    /// Runs `produce` once to take its size and hash (its errors are the caller's to report).
    init(_ produce: @escaping @Sendable (_ sink: Sink) throws -> Void) throws {
        var hasher = ContentHash.Streaming()
        try produce { hasher.update($0) }
        size = hasher.count
        xxh64 = hasher.finish()
        self.produce = produce
    }

    /// Hands the contents to `sink` in chunks that end at line ends. Throws `Changed` (after
    /// the last chunk) when they are no longer what was emitted.
    public func write(to sink: Sink) throws {
        var hasher = ContentHash.Streaming()
        try produce { chunk in
            hasher.update(chunk)
            try sink(chunk)
        }
        if hasher.count != size || hasher.finish() != xxh64 { throw Changed() }
    }

    /// The whole contents in memory (small files, tests); empty when they cannot be produced.
    public var text: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        do { try write { bytes.append(contentsOf: $0) } } catch { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }

    public struct Changed: Error, CustomStringConvertible {
        public var description: String { "its source changed since it was checked; run the build again" }
    }

    public static func == (a: StreamedContents, b: StreamedContents) -> Bool { a.size == b.size && a.xxh64 == b.xxh64 }
}
