import KafkaProtocol
import NIOCore

/// How the cleaner keeps one batch before looking at its records (Kafka's BatchRetention).
enum BatchRetention: Equatable {
    /// Drop the batch without reading its records.
    case delete
    /// Keep the batch even when no record survives: an empty batch (header only) holds its
    /// offsets, producer id, epoch and sequence.
    case retainEmpty
    /// Keep the surviving records; drop the batch when none does.
    case deleteEmpty
}

/// What filtering one batch read and kept.
struct BatchFilterOutcome: Equatable {
    var recordsRead = 0
    var recordsKept = 0
    var bytesKept = 0
}

/// Rewrites one record batch with only the records the cleaner keeps (Kafka's
/// MemoryRecords.filterTo for one v2 batch). Offsets keep their values: the kept records are
/// copied byte for byte (their offset deltas still count from the same base offset), the last
/// offset delta stays (so producer sequences stay right), and the records are compressed again
/// with the batch's own codec. A batch that keeps every record is copied unchanged. The first
/// time a kept batch holds a tombstone or a marker that no longer guards data, its base
/// timestamp becomes the delete horizon (attribute bit 6, KIP-534) and every record's timestamp
/// delta is rewritten against it, so record timestamps do not change.
///
/// Buffers are reused from batch to batch; one instance per cleaner thread.
struct CleanerBatchFilter {
    let maxDecompressedBytes: Int
    private var kept = ByteBuffer()
    private var rebased = ByteBuffer()

    init(maxDecompressedBytes: Int) {
        self.maxDecompressedBytes = maxDecompressedBytes
    }

    /// The uncompressed records section of `batch` (a slice when uncompressed).
    func records(of batch: ByteBuffer, header: RecordBatchHeader) throws(StorageError) -> ByteBuffer {
        guard let section = batch.getSlice(at: batch.readerIndex + RecordBatchHeader.size, length: header.totalSize - RecordBatchHeader.size) else {
            throw StorageError.corrupt("batch at offset \(header.baseOffset) is shorter than its length", offset: header.baseOffset)
        }
        guard header.hasKnownCompression else {
            throw StorageError.corrupt("batch at offset \(header.baseOffset) has unknown codec \(header.compressionBits)", offset: header.baseOffset)
        }
        if header.compression == .none { return section }
        do {
            return try header.compression.decompress(section, maxOutputBytes: maxDecompressedBytes)
        } catch {
            throw StorageError.corrupt("cannot decompress batch at offset \(header.baseOffset): \(error)", offset: header.baseOffset)
        }
    }

    /// Appends what is kept of `batch` to `output`. `keep` decides per record (given its offset).
    /// `markerForEmptyTransaction`: a control batch whose transaction has no data left; it gets
    /// a delete horizon like a tombstone. `horizonMs`: now + delete.retention.ms.
    mutating func filter(
        batch: ByteBuffer, header: RecordBatchHeader, retention: BatchRetention, markerForEmptyTransaction: Bool,
        horizonMs: Int64, into output: inout ByteBuffer, keep: (Record, Int64) -> Bool
    ) throws(StorageError) -> BatchFilterOutcome {
        var outcome = BatchFilterOutcome()
        guard retention != .delete else {
            outcome.recordsRead = Int(max(header.recordCount, 0))
            return outcome
        }
        var section = try records(of: batch, header: header)
        kept.clear()
        var keptAll = true
        var tombstones = false
        var maxTimestamp: Int64 = -1
        while section.readableBytes > 0 {
            // Read from a copy: `section` then yields the record's own bytes as one slice.
            var cursor = section
            let record: Record
            do {
                record = try Record.read(from: &cursor)
            } catch {
                throw StorageError.corrupt("malformed record in batch at offset \(header.baseOffset): \(error)", offset: header.baseOffset)
            }
            outcome.recordsRead += 1
            let bytes = section.readSlice(length: record.sizeInBytes) ?? ByteBuffer()
            guard keep(record, header.baseOffset + Int64(record.offsetDelta)) else {
                keptAll = false
                continue
            }
            kept.writeImmutableBuffer(bytes)
            outcome.recordsKept += 1
            if record.value == nil { tombstones = true }
            maxTimestamp = max(maxTimestamp, header.baseTimestamp &+ record.timestampDelta)
        }
        let start = output.writerIndex
        if outcome.recordsKept > 0 {
            let needsHorizon = (tombstones || markerForEmptyTransaction) && !header.hasDeleteHorizon
            if keptAll && !needsHorizon && outcome.recordsRead == Int(header.recordCount) {
                output.writeImmutableBuffer(batch)
            } else {
                try writeRebuilt(header, records: outcome.recordsKept, newHorizon: needsHorizon ? horizonMs : nil,
                                 maxTimestamp: maxTimestamp, into: &output)
            }
        } else if retention == .retainEmpty {
            Self.writeEmpty(header, into: &output)
        }
        outcome.bytesKept = output.writerIndex - start
        return outcome
    }

    private mutating func writeRebuilt(
        _ header: RecordBatchHeader, records count: Int, newHorizon: Int64?, maxTimestamp: Int64, into output: inout ByteBuffer
    ) throws(StorageError) {
        var section = kept
        var attributes = header.attributes
        var baseTimestamp = header.baseTimestamp
        if let newHorizon {
            attributes |= RecordBatchHeader.deleteHorizonFlagMask
            try rebase(from: header.baseTimestamp, to: newHorizon, offset: header.baseOffset)
            section = rebased
            baseTimestamp = newHorizon
        }
        let payload: ByteBuffer
        do {
            payload = try header.compression.compress(section)
        } catch {
            throw StorageError(.kafkaStorageError, "cannot compress cleaned batch at offset \(header.baseOffset): \(error)", offset: header.baseOffset)
        }
        let rebuilt = RecordBatchHeader(
            baseOffset: header.baseOffset,
            batchLength: Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead + payload.readableBytes),
            partitionLeaderEpoch: header.partitionLeaderEpoch, magic: RecordBatchHeader.currentMagic, crc: 0,
            attributes: attributes, lastOffsetDelta: header.lastOffsetDelta, baseTimestamp: baseTimestamp,
            maxTimestamp: header.timestampType == .logAppendTime ? header.maxTimestamp : maxTimestamp,
            producerId: header.producerId, producerEpoch: header.producerEpoch, baseSequence: header.baseSequence,
            recordCount: Int32(count))
        let at = output.writerIndex
        rebuilt.write(to: &output)
        output.writeImmutableBuffer(payload)
        RecordBatch.updateCRC(in: &output, at: at, totalSize: output.writerIndex - at)
    }

    /// Rewrites each kept record's timestamp delta from base `old` to base `new` (record length
    /// changes with the varint size; everything after the delta is copied as is).
    private mutating func rebase(from old: Int64, to new: Int64, offset: Int64) throws(StorageError) {
        rebased.clear()
        var input = kept
        do {
            try Self.rebase(&input, into: &rebased, from: old, to: new)
        } catch {
            throw StorageError.corrupt("malformed kept record in batch at offset \(offset): \(error)", offset: offset)
        }
    }

    private static func rebase(_ input: inout ByteBuffer, into output: inout ByteBuffer, from old: Int64, to new: Int64) throws(KafkaProtocolError) {
        while input.readableBytes > 0 {
            let length = Int(try input.readVarint())
            guard length > 0, var body = input.readSlice(length: length), let attributes = body.readInteger(as: Int8.self) else {
                throw KafkaProtocolError("record length does not fit the batch")
            }
            let delta = try body.readVarlong()
            let newDelta = (old &+ delta) &- new
            output.writeVarint(Int32(length - Varint.size(delta) + Varint.size(newDelta)))
            output.writeInteger(attributes)
            output.writeVarlong(newDelta)
            output.writeImmutableBuffer(body)
        }
    }

    /// A header-only batch keeping the offsets, producer id, epoch and sequence of `header`
    /// (Kafka's DefaultRecordBatch.writeEmptyHeader).
    static func writeEmpty(_ header: RecordBatchHeader, into output: inout ByteBuffer) {
        let keep = RecordBatchHeader.timestampTypeMask | RecordBatchHeader.transactionalFlagMask | RecordBatchHeader.controlFlagMask
        let empty = RecordBatchHeader(
            baseOffset: header.baseOffset, batchLength: Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead),
            partitionLeaderEpoch: header.partitionLeaderEpoch, magic: RecordBatchHeader.currentMagic, crc: 0,
            attributes: header.attributes & keep, lastOffsetDelta: header.lastOffsetDelta,
            baseTimestamp: header.maxTimestamp, maxTimestamp: header.maxTimestamp, producerId: header.producerId,
            producerEpoch: header.producerEpoch, baseSequence: header.baseSequence, recordCount: 0)
        let at = output.writerIndex
        empty.write(to: &output)
        RecordBatch.updateCRC(in: &output, at: at, totalSize: RecordBatchHeader.size)
    }
}
