import KafkaProtocol
import LogStorage
import NIOCore

/// Reads a coordinator's partition from its log start to its end, whole batches, decompressing
/// as needed, and hands every record to the caller: how a coordinator rebuilds its state.
enum LogReplay {
    struct Summary: Sendable, Equatable {
        var batches = 0
        var records = 0
        /// Records of control batches (transaction markers), counted in `records` too.
        var controlRecords = 0
        /// The offset after the last batch read.
        var nextOffset: Int64 = 0
    }

    /// Decompressed batches larger than this are refused (coordinators write uncompressed ones).
    static let maxUncompressedBatchBytes = 256 * 1024 * 1024

    /// Calls `body` for each record in offset order. A batch that does not decode stops the
    /// replay with CORRUPT_MESSAGE, as Kafka fails a coordinator load.
    static func forEachRecord(
        in log: PartitionLog, bufferBytes: Int,
        _ body: (RecordBatchHeader, Record) throws(BrokerError) -> Void
    ) throws(BrokerError) -> Summary {
        var summary = Summary()
        var offset = log.logStartOffset
        let end = log.logEndOffset
        summary.nextOffset = offset
        while offset < end {
            let bytes: ByteBuffer
            do {
                let read = try log.read(from: offset, maxBytes: bufferBytes, maxOffset: end, minOneBatch: true)
                if read.isEmpty { break }
                bytes = try read.readBytes()
            } catch {
                throw BrokerError(error)
            }
            var batches = RecordBatchIterator(bytes)
            let before = offset
            while let batch = batches.next() {
                do {
                    var records = try batch.recordIterator(maxBytes: maxUncompressedBatchBytes)
                    while let record = try records.next() {
                        try body(batch.header, record)
                        summary.records += 1
                        if batch.header.isControl { summary.controlRecords += 1 }
                    }
                } catch let error as BrokerError {
                    throw error
                } catch {
                    throw BrokerError(.corruptMessage, "batch at offset \(batch.header.baseOffset) of \(log.topic)-\(log.partition) does not decode: \(error)")
                }
                offset = batch.header.lastOffset + 1
                summary.batches += 1
            }
            if let stop = batches.stop {
                throw BrokerError(.corruptMessage, "\(log.topic)-\(log.partition) is unreadable after offset \(offset): \(stop)")
            }
            // Reads return whole batches at or after `offset`; no progress means the end.
            if offset == before { break }
        }
        summary.nextOffset = offset
        return summary
    }
}
