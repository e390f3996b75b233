import KafkaProtocol
import NIOCore

/// Walks the record batches of a segment file from a position, reading the file in chunks so a
/// scan over many small batches costs few preads. Checks what can be checked without the body
/// (length, magic, that the batch ends inside the file); `needBody` also loads the whole batch
/// so the caller can verify its CRC.
struct BatchScanner {
    enum Step {
        /// A batch starting at `position`; `bytes` holds the whole batch when the body was asked for.
        case batch(RecordBatchHeader, position: Int64, bytes: ByteBuffer?)
        /// Clean end: no bytes left.
        case end
        /// Bytes at `position` do not form a valid batch (torn write or corruption).
        case invalid(position: Int64, reason: String)
    }

    let file: SegmentFile
    let end: Int64
    private(set) var position: Int64
    private let chunkSize: Int
    private var chunk = ByteBuffer()
    private var chunkStart: Int64 = 0
    /// The largest batch accepted; guards allocations against a corrupt length field.
    private let maxBatchSize: Int

    init(file: SegmentFile, from position: Int64, end: Int64, chunkSize: Int = 16 * 1024, maxBatchSize: Int = Int(Int32.max)) {
        self.file = file
        self.position = position
        self.end = end
        self.chunkSize = chunkSize
        self.maxBatchSize = maxBatchSize
    }

    mutating func next(needBody: Bool = false) throws(StorageError) -> Step {
        let remaining = end - position
        if remaining <= 0 { return .end }
        guard remaining >= Int64(RecordBatchHeader.size) else {
            return .invalid(position: position, reason: "\(remaining) trailing bytes, less than a batch header")
        }
        try ensure(RecordBatchHeader.size)
        guard let header = RecordBatchHeader(buffer: chunk, at: Int(position - chunkStart)) else {
            return .invalid(position: position, reason: "unreadable batch header")
        }
        if let reason = problem(with: header) { return .invalid(position: position, reason: reason) }
        let size = header.totalSize
        guard Int64(size) <= remaining else {
            return .invalid(position: position, reason: "batch of \(size) bytes runs past the end of the segment")
        }
        var bytes: ByteBuffer?
        if needBody {
            try ensure(size)
            bytes = chunk.getSlice(at: Int(position - chunkStart), length: size)
        }
        let at = position
        position += Int64(size)
        return .batch(header, position: at, bytes: bytes)
    }

    private func problem(with header: RecordBatchHeader) -> String? {
        if header.magic != RecordBatchHeader.currentMagic { return "magic \(header.magic), expected 2" }
        if header.batchLength < Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead) {
            return "batch length \(header.batchLength) below the header size"
        }
        if header.totalSize > maxBatchSize { return "batch length \(header.batchLength) above the limit" }
        if header.lastOffsetDelta < 0 { return "negative last offset delta" }
        return nil
    }

    /// Makes `count` bytes from `position` available in `chunk`, reading more of the file if needed.
    private mutating func ensure(_ count: Int) throws(StorageError) {
        let offsetInChunk = position - chunkStart
        if offsetInChunk >= 0, offsetInChunk + Int64(count) <= Int64(chunk.writerIndex) { return }
        let length = Int(min(Int64(max(count, chunkSize)), end - position))
        chunk.clear(minimumCapacity: length)
        chunkStart = position
        try file.read(at: position, length: length, into: &chunk)
        guard chunk.readableBytes >= count else {
            throw StorageError(.kafkaStorageError, "short read of \(file.path) at \(position)")
        }
    }
}
