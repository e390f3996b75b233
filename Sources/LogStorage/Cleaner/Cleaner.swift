import KafkaProtocol
import Logging
import NIOCore

/// Why a cleaning round stopped early.
enum CleanerError: Error {
    /// Shutdown, the log was closed or deleted, or its segments changed under the round; the
    /// next round starts over. Nothing was replaced by the part that did not finish.
    case aborted(String)
    /// An I/O error or a corrupt batch: the partition is set aside as uncleanable.
    case failed(StorageError)
}

/// One cleaner thread's working set (Kafka's Cleaner): the offset map, the batch filter and the
/// write buffer, reused from round to round. `clean` compacts one log: it maps each key of the
/// dirty section to its latest offset, then rewrites every sealed segment up to where the map
/// reaches, group by group, keeping a record only if it is the latest for its key (and, for a
/// tombstone, its delete horizon has not passed), and swaps each cleaned group in.
///
/// It never holds the partition lock while it reads or writes: it reads sealed segments through
/// their reference-counted files and takes the lock only to look up positions and to swap.
final class Cleaner {
    let config: LogCleanerConfig
    let map: CleanerOffsetMap
    var filter: CleanerBatchFilter
    let limiter: IORateLimiter
    let clock: any LogClock
    let logger: Logger
    /// Shutdown requested.
    let stopping: @Sendable () -> Bool
    var writeBuffer: ByteBuffer
    /// Set per round.
    var summary = CleanerRoundSummary(topic: "", partition: 0)
    private var checks = 0

    init(
        config: LogCleanerConfig, limiter: IORateLimiter, clock: any LogClock,
        logger: Logger, stopping: @escaping @Sendable () -> Bool
    ) {
        self.config = config
        self.map = CleanerOffsetMap(maxBytes: config.dedupeBytesPerThread, loadFactor: config.dedupeLoadFactor)
        self.filter = CleanerBatchFilter(maxDecompressedBytes: 256 << 20)
        self.limiter = limiter
        self.clock = clock
        self.logger = logger
        self.stopping = stopping
        self.writeBuffer = ByteBufferAllocator().buffer(capacity: config.ioBufferPerThread)
    }

    /// Cleans `target`'s log below its first uncleanable offset. Returns the round's summary,
    /// whose `endOffset` is the new first dirty offset.
    func clean(_ target: LogToClean) throws(CleanerError) -> CleanerRoundSummary {
        let started = IORateLimiter.nowNs()
        let log = target.log
        summary = CleanerRoundSummary(topic: log.topic, partition: log.partition)
        defer {
            map.clear()
            if writeBuffer.capacity > config.ioBufferPerThread * 4 {
                writeBuffer = ByteBufferAllocator().buffer(capacity: config.ioBufferPerThread)
            }
        }
        let view = log.cleaningView()
        guard !view.closed else { throw .aborted("the log is closed") }
        let now = clock.nowMs
        let upper = target.firstUncleanableOffset
        try buildOffsetMap(log, view: view, start: target.firstDirtyOffset, end: upper)
        let endOffset = map.latestOffset + 1
        summary.mapEntries = map.count
        summary.mapBytesAllocated = map.allocatedBytes
        let toClean = Array(view.segments(from: .min, to: endOffset))
        let producers = log.activeProducerLastRecords()
        var transactionState = CleanerTransactionState()
        for group in Self.group(toClean, maxBytes: Int64(view.config.segmentBytes), maxIndexEntries: view.config.maxIndexEntries, firstUncleanable: upper) {
            try cleanGroup(group, log: log, config: view.config, producers: producers, transactions: &transactionState, roundEnd: upper, now: now)
        }
        summary.endOffset = max(endOffset, target.firstDirtyOffset)
        summary.segmentsCleaned = toClean.count
        summary.elapsedNs = IORateLimiter.nowNs() - started
        return summary
    }

    /// Kafka's groupSegmentsBySize: consecutive segments whose data fits one segment.bytes,
    /// whose indexes fit one index, and whose offsets fit the indexes' 32-bit relative offsets.
    static func group(_ segments: [CleanableSegment], maxBytes: Int64, maxIndexEntries: Int, firstUncleanable: Int64) -> [[CleanableSegment]] {
        var groups: [[CleanableSegment]] = []
        var index = 0
        while index < segments.count {
            var group = [segments[index]]
            var bytes = segments[index].size
            var entries = segments[index].offsetIndexEntries
            var timeEntries = segments[index].timeIndexEntries
            index += 1
            while index < segments.count {
                let next = segments[index]
                let lastOffset = index + 1 < segments.count ? segments[index + 1].baseOffset - 1 : firstUncleanable - 1
                guard bytes + next.size <= maxBytes, entries + next.offsetIndexEntries <= maxIndexEntries,
                      timeEntries + next.timeIndexEntries <= maxIndexEntries,
                      next.size == 0 || lastOffset - group[0].baseOffset <= Int64(Int32.max) else { break }
                group.append(next)
                bytes += next.size
                entries += next.offsetIndexEntries
                timeEntries += next.timeIndexEntries
                index += 1
            }
            groups.append(group)
        }
        return groups
    }

    /// Throws `.aborted` when shutdown began or the log was closed (or deleted). The log's
    /// flag is behind its lock, so it is looked at every 64 calls only; the swap checks it too.
    func checkDone(_ log: PartitionLog) throws(CleanerError) {
        if stopping() { throw .aborted("the cleaner is stopping") }
        checks &+= 1
        if checks % 64 == 0, log.isClosed { throw .aborted("the log was closed") }
    }

    /// The marker type of a control batch (nil for an empty one, which cleaning left behind).
    func controlType(of batch: ByteBuffer, header: RecordBatchHeader) throws(CleanerError) -> ControlRecordType? {
        var records = try storage { () throws(StorageError) in try filter.records(of: batch, header: header) }
        guard records.readableBytes > 0 else { return nil }
        do {
            return try Record.read(from: &records).controlType
        } catch {
            throw .failed(StorageError.corrupt("malformed control record at offset \(header.baseOffset): \(error)", offset: header.baseOffset))
        }
    }

    func storage<T>(_ body: () throws(StorageError) -> T) throws(CleanerError) -> T {
        do {
            return try body()
        } catch {
            throw .failed(error)
        }
    }
}
