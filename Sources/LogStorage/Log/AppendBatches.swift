import KafkaProtocol
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Batches on their way into a segment.
///
/// A produce buffer shares storage with the client's request frame, so writing offsets into it
/// would copy the whole batch (copy-on-write). Instead each batch's 61-byte header is copied
/// into `stampedHeaders` and stamped there (base offset and leader epoch, which the CRC does
/// not cover, and LogAppendTime with a recomputed CRC), and the segment writes
/// [stamped header][the client's bytes after it] per batch with one pwritev. Batches already
/// numbered (replication, the cleaner) are written as they are.
struct AppendBatches {
    /// The batches as received; never written to.
    let records: ByteBuffer
    /// 61 bytes per batch, in order; nil when the headers inside `records` are final.
    let stampedHeaders: ByteBuffer?

    /// Batches whose headers are final.
    init(numbered records: ByteBuffer) {
        self.records = records
        self.stampedHeaders = nil
    }

    /// Numbers whole v2 batches (`BatchShape` checked them) from `firstOffset`: each base offset
    /// advances by lastOffsetDelta + 1, as Kafka assigns them.
    init(records: ByteBuffer, batchCount: Int, firstOffset: Int64, leaderEpoch: Int32, logAppendTime: Int64?) {
        var headers = ByteBufferAllocator().buffer(capacity: batchCount * RecordBatchHeader.size)
        var index = records.readerIndex
        var next = firstOffset
        while let header = RecordBatchHeader(buffer: records, at: index),
              let original = records.getSlice(at: index, length: RecordBatchHeader.size) {
            let at = headers.writerIndex
            headers.writeImmutableBuffer(original)
            RecordBatch.setBaseOffset(next, in: &headers, at: at)
            RecordBatch.setPartitionLeaderEpoch(leaderEpoch, in: &headers, at: at)
            if let logAppendTime,
               let body = records.getSlice(at: index + RecordBatchHeader.size, length: header.totalSize - RecordBatchHeader.size) {
                RecordBatch.setLogAppendTime(logAppendTime, header: &headers, at: at, records: body)
            }
            next += Int64(header.lastOffsetDelta) + 1
            index += header.totalSize
        }
        self.records = records
        self.stampedHeaders = headers
    }

    var byteCount: Int { records.readableBytes }

    /// Calls `body` with each batch's header as it is stored and the batch's absolute index in
    /// `records`.
    func forEachBatch(_ body: (RecordBatchHeader, Int) -> Void) {
        var index = records.readerIndex
        var stamped = stampedHeaders?.readerIndex ?? 0
        while let original = RecordBatchHeader(buffer: records, at: index) {
            var header = original
            if let stampedHeaders {
                guard let copy = RecordBatchHeader(buffer: stampedHeaders, at: stamped) else { return }
                header = copy
                stamped += RecordBatchHeader.size
            }
            body(header, index)
            index += original.totalSize
        }
    }

    /// The pwritev vectors of these bytes in file order, valid inside `body` only.
    func withVectors(_ body: (UnsafeMutableBufferPointer<iovec>) throws(StorageError) -> Void) throws(StorageError) {
        var failure: StorageError?
        records.withUnsafeReadableBytes { bytes in
            guard let stampedHeaders else {
                var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
                withUnsafeMutablePointer(to: &vector) { pointer in
                    do throws(StorageError) { try body(UnsafeMutableBufferPointer(start: pointer, count: 1)) } catch { failure = error }
                }
                return
            }
            stampedHeaders.withUnsafeReadableBytes { headers in
                let batchCount = headers.count / RecordBatchHeader.size
                withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2 * batchCount) { vectors in
                    var position = 0
                    for batch in 0..<batchCount {
                        let total = RecordBatchHeader.logOverhead
                            + Int(Int32(bigEndian: headers.loadUnaligned(
                                fromByteOffset: batch * RecordBatchHeader.size + RecordBatchHeader.batchLengthOffset,
                                as: Int32.self)))
                        guard total >= RecordBatchHeader.size, position + total <= bytes.count else {
                            failure = StorageError(.corruptMessage, "stamped header \(batch) does not match the batches")
                            return
                        }
                        vectors[2 * batch] = iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: headers.baseAddress.map { $0 + batch * RecordBatchHeader.size }),
                            iov_len: RecordBatchHeader.size)
                        vectors[2 * batch + 1] = iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress.map { $0 + position + RecordBatchHeader.size }),
                            iov_len: total - RecordBatchHeader.size)
                        position += total
                    }
                    do throws(StorageError) { try body(vectors) } catch { failure = error }
                }
            }
        }
        if let failure { throw failure }
    }
}
