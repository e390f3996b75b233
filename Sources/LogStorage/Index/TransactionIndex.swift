import KafkaProtocol
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One aborted transaction, as Kafka's `.txnindex` stores it (AbortedTxn): the producer, its
/// first and last offsets (the last is the abort marker's), and the last stable offset once it
/// ended. read_committed fetches return these so consumers can drop the aborted records.
public struct AbortedTransaction: Sendable, Equatable {
    public var producerId: Int64
    public var firstOffset: Int64
    public var lastOffset: Int64
    public var lastStableOffset: Int64

    public init(producerId: Int64, firstOffset: Int64, lastOffset: Int64, lastStableOffset: Int64) {
        self.producerId = producerId
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.lastStableOffset = lastStableOffset
    }
}

/// The aborted transactions whose abort markers lie in one segment: `<base>.txnindex`, entries
/// of version i16 (0) | producerId i64 | firstOffset i64 | lastOffset i64 | lastStableOffset i64.
/// Aborts are rare, so the entries stay in memory; each is written to the file when appended
/// (page cache; fsynced with the segment), and the file exists only once there is one.
struct TransactionIndex {
    static let entrySize = 34
    static let version: Int16 = 0

    let path: String
    private(set) var entries: [AbortedTransaction]
    /// Written since the last fsync (the flush clears it when it takes the file).
    var needsSync = false

    init(path: String, entries: [AbortedTransaction] = []) {
        self.path = path
        self.entries = entries
    }

    /// Reads the file if there is one. A partial last entry (a torn write) is dropped.
    static func load(path: String) -> TransactionIndex {
        guard let size = Posix.fileSize(path), size >= entrySize else { return TransactionIndex(path: path) }
        let fd = Posix.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return TransactionIndex(path: path) }
        defer { Posix.closeDescriptor(fd) }
        let count = Int(size) / entrySize
        var bytes = [UInt8](repeating: 0, count: count * entrySize)
        let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard read > 0 else { return TransactionIndex(path: path) }
        var buffer = ByteBuffer(bytes: bytes[0..<(read / entrySize * entrySize)])
        var entries: [AbortedTransaction] = []
        while let _ = buffer.readInteger(as: Int16.self), let producerId = buffer.readInteger(as: Int64.self),
              let first = buffer.readInteger(as: Int64.self), let last = buffer.readInteger(as: Int64.self),
              let stable = buffer.readInteger(as: Int64.self) {
            entries.append(AbortedTransaction(producerId: producerId, firstOffset: first, lastOffset: last, lastStableOffset: stable))
        }
        return TransactionIndex(path: path, entries: entries)
    }

    /// Whether an abort ending at `lastOffset` is already recorded (a replay after recovery
    /// meets aborts the file already holds).
    func contains(lastOffset: Int64) -> Bool {
        entries.contains { $0.lastOffset == lastOffset }
    }

    mutating func append(_ entry: AbortedTransaction, io: any LogFileIO) throws(StorageError) {
        entries.append(entry)
        try rewriteTail(from: entries.count - 1, io: io)
    }

    /// Drops entries whose abort marker is at or above `offset` (truncation).
    mutating func truncate(fromOffset offset: Int64, io: any LogFileIO) throws(StorageError) {
        let kept = entries.filter { $0.lastOffset < offset }
        guard kept.count != entries.count else { return }
        entries = kept
        try rewriteTail(from: entries.count, io: io)
    }

    /// Writes entries from `index` on and cuts the file after the last one.
    private mutating func rewriteTail(from index: Int, io: any LogFileIO) throws(StorageError) {
        guard !entries.isEmpty || Posix.fileExists(path) else { return }
        var buffer = ByteBuffer()
        for entry in entries[index...] {
            buffer.writeInteger(Self.version)
            buffer.writeInteger(entry.producerId)
            buffer.writeInteger(entry.firstOffset)
            buffer.writeInteger(entry.lastOffset)
            buffer.writeInteger(entry.lastStableOffset)
        }
        let fd = Posix.open(path, O_WRONLY | O_CREAT | O_CLOEXEC)
        guard fd >= 0 else { throw .io("open", path: path, errno: errno) }
        defer { Posix.closeDescriptor(fd) }
        let start = Int64(index * Self.entrySize)
        let code: Int32 = buffer.withUnsafeReadableBytes { bytes in
            var done = 0
            while done < bytes.count {
                let (written, code) = io.pwrite(fd, UnsafeRawBufferPointer(rebasing: bytes[done...]), at: start + Int64(done))
                if written <= 0 { return written == 0 ? ENOSPC : code }
                done += written
            }
            return 0
        }
        if code != 0 { throw .io("write", path: path, errno: code) }
        let trim = io.ftruncate(fd, to: Int64(entries.count * Self.entrySize))
        if trim != 0 { throw .io("truncate", path: path, errno: trim) }
        needsSync = true
    }

    /// fsyncs the file if it changed.
    mutating func sync(io: any LogFileIO) throws(StorageError) {
        guard needsSync else { return }
        try Posix.syncFile(path, io: io)
        needsSync = false
    }
}
