#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sorted runs of a `SortedBatch` that outgrew its memory budget, in one scratch file beside
/// the table being built (no name on disk, see `AtomicFile.openScratch`), and their k-way merge.
/// A run is a sequence of records `keyLength valueLength line bucket` (four little-endian 32-bit
/// words) then the key and value bytes, in the batch's order; runs hold consecutive records of
/// the source, so equal keys in two runs come out in run order, which is arrival order.
final class SortSpill {
    private let fd: Int32
    private let path: String
    private var runs: [Range<Int>] = []
    private var size = 0
    private var buffer: [UInt8] = []
    private var runStart = 0

    /// `fd`: an open, empty, read-write scratch file, closed by this spill.
    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    deinit { close(fd) }

    var runCount: Int { runs.count }

    func beginRun() { runStart = size + buffer.count }

    func append(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, line: Int32, bucket: UInt32) throws {
        // A homogeneous tuple is laid out contiguously: one append, no array per record.
        let header = (UInt32(key.count).littleEndian, UInt32(value.count).littleEndian,
                      UInt32(bitPattern: line).littleEndian, bucket.littleEndian)
        withUnsafeBytes(of: header) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: key)
        buffer.append(contentsOf: value)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func endRun() throws {
        try flush()
        runs.append(runStart..<size)
    }

    private func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(size + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError.io(errno, "write", path)
            }
            done += n
        }
        size += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Hands every record of every run to `emit` in merged order: (bucket, key bytes, run).
    /// The buffers are valid only during the call. `budget` bounds the read buffers together.
    func merge(budget: Int, hashed: Bool, total: Int, progress: ((Double) -> Void)?,
               _ emit: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, Int, UInt32) throws -> Void) throws {
        buffer = []
        let chunk = max(4096, min(1 << 20, budget / max(runs.count, 1)))
        let readers = try runs.map { try RunReader(fd: fd, path: path, range: $0, chunk: chunk) }
        // Min-heap of run indices over their current records.
        var heap = readers.indices.filter { readers[$0].current }
        func less(_ a: Int, _ b: Int) -> Bool {
            let x = readers[a], y = readers[b]
            if hashed && x.bucket != y.bucket { return x.bucket < y.bucket }
            let c = memcmp(x.keyPointer, y.keyPointer, min(x.keyLength, y.keyLength))
            if c != 0 { return c < 0 }
            if x.keyLength != y.keyLength { return x.keyLength < y.keyLength }
            return a < b
        }
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && less(heap[l], heap[m]) { m = l }
                if r < heap.count && less(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        var done = 0
        while let top = heap.first {
            if done & 0xFFFF == 0, let progress { progress(Double(done) / Double(max(total, 1))) }
            done += 1
            let r = readers[top]
            try emit(r.key, r.value, Int(r.line), r.bucket)
            if try !r.advance() {
                heap.swapAt(0, heap.count - 1)
                heap.removeLast()
            }
            siftDown(0)
        }
    }
}

/// Reads one run of a `SortSpill` a chunk at a time; `key`/`value` point into its buffer until
/// the next `advance()`.
private final class RunReader {
    let fd: Int32
    let path: String
    private var offset: Int
    private let end: Int
    private var storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var filled = 0
    private(set) var current = false
    private(set) var keyLength = 0
    private(set) var valueLength = 0
    private(set) var line: Int32 = 0
    private(set) var bucket: UInt32 = 0

    init(fd: Int32, path: String, range: Range<Int>, chunk: Int) throws {
        self.fd = fd
        self.path = path
        offset = range.lowerBound
        end = range.upperBound
        storage = .allocate(byteCount: chunk, alignment: 8)
        current = try advance()
    }

    deinit { storage.deallocate() }

    var keyPointer: UnsafeRawPointer { UnsafeRawPointer(storage.baseAddress! + start + 16) }
    var key: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: keyPointer.assumingMemoryBound(to: UInt8.self), count: keyLength)
    }
    var value: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: keyPointer.assumingMemoryBound(to: UInt8.self) + keyLength, count: valueLength)
    }

    /// Moves to the next record; false at the end of the run.
    func advance() throws -> Bool {
        if current { start += 16 + keyLength + valueLength }
        guard try ensure(16) else { current = false; return false }
        let p = UnsafeRawPointer(storage.baseAddress! + start)
        func word(_ i: Int) -> UInt32 { UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        let k = Int(word(0)), v = Int(word(1)), l = Int32(bitPattern: word(2)), b = word(3)
        guard try ensure(16 + k + v) else { throw MapError(.io, "read \(path): sort run truncated") }
        keyLength = k; valueLength = v; line = l; bucket = b
        current = true
        return true
    }

    /// At least `n` bytes of the run from `start` in the buffer; false when the run has fewer.
    private func ensure(_ n: Int) throws -> Bool {
        if filled - start >= n { return true }
        let have = filled - start
        if have + (end - offset) < n { return false }
        if n > storage.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(n, 2 * storage.count), alignment: 8)
            bigger.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: have)
            storage.deallocate()
            storage = bigger
        } else if have > 0 {
            memmove(storage.baseAddress!, storage.baseAddress! + start, have)
        }
        start = 0
        filled = have
        while filled < n || (filled < storage.count && offset < end) {
            let want = min(storage.count - filled, end - offset)
            if want == 0 { break }
            let got = pread(fd, storage.baseAddress! + filled, want, off_t(offset))
            if got < 0 {
                if errno == EINTR { continue }
                throw SystemError.io(errno, "read", path)
            }
            if got == 0 { throw MapError(.io, "read \(path): sort run truncated") }
            filled += got
            offset += got
        }
        return filled >= n
    }
}
