import NIOCore

/// Edits of a v2 record batch header, as the broker makes on append. `index` is the absolute
/// index of the batch's (or header copy's) first byte; callers have parsed the header there.
public enum RecordBatch {
    /// Sets the base offset (outside the CRC). Offsets are assigned by the log on append.
    @inlinable
    public static func setBaseOffset(_ offset: Int64, in buffer: inout ByteBuffer, at index: Int) {
        buffer.setInteger(offset, at: index + RecordBatchHeader.baseOffsetOffset)
    }

    /// Sets the partition leader epoch (outside the CRC).
    @inlinable
    public static func setPartitionLeaderEpoch(_ epoch: Int32, in buffer: inout ByteBuffer, at index: Int) {
        buffer.setInteger(epoch, at: index + RecordBatchHeader.partitionLeaderEpochOffset)
    }

    /// Marks a batch LogAppendTime with `timestamp` as its max timestamp and recomputes the CRC,
    /// as Kafka's `setMaxTimestamp` does for topics with message.timestamp.type=LogAppendTime.
    /// The header is a copy (61 bytes at `index` of `header`) kept apart from the batch's
    /// `records` (every byte after its header, untouched), so the client's bytes are never
    /// written to. Returns false (leaving `header` untouched) when `records` is not the rest of
    /// the batch the header describes.
    @inlinable
    @discardableResult
    public static func setLogAppendTime(
        _ timestamp: Int64, header: inout ByteBuffer, at index: Int, records: ByteBuffer
    ) -> Bool {
        setMaxTimestamp(timestamp, timestampType: .logAppendTime, header: &header, at: index, records: records)
    }

    /// Rewrites the timestamp type bit and max timestamp of a header copy, then its CRC over the
    /// header and `records`. A no-op when both already hold those values (which keeps the stored
    /// CRC byte-identical).
    @inlinable
    @discardableResult
    public static func setMaxTimestamp(
        _ timestamp: Int64, timestampType: TimestampType, header: inout ByteBuffer, at index: Int, records: ByteBuffer
    ) -> Bool {
        guard let parsed = RecordBatchHeader(buffer: header, at: index),
              parsed.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead),
              records.readableBytes == parsed.totalSize - RecordBatchHeader.size else { return false }
        if parsed.timestampType == timestampType && parsed.maxTimestamp == timestamp { return true }
        var attributes = parsed.attributes & ~RecordBatchHeader.timestampTypeMask
        if timestampType == .logAppendTime { attributes |= RecordBatchHeader.timestampTypeMask }
        header.setInteger(attributes, at: index + RecordBatchHeader.attributesOffset)
        header.setInteger(timestamp, at: index + RecordBatchHeader.maxTimestampOffset)
        let headerPart = CRC32C.checksum(
            header, at: index + RecordBatchHeader.attributesOffset,
            length: RecordBatchHeader.size - RecordBatchHeader.attributesOffset)
        let crc = CRC32C.update(headerPart, records, at: records.readerIndex, length: records.readableBytes)
        header.setInteger(crc, at: index + RecordBatchHeader.crcOffset)
        return true
    }

    /// Recomputes and stores the CRC of a batch of `totalSize` bytes at `index`.
    @inlinable
    public static func updateCRC(in buffer: inout ByteBuffer, at index: Int, totalSize: Int) {
        let crc = CRC32C.checksum(
            buffer, at: index + RecordBatchHeader.attributesOffset,
            length: totalSize - RecordBatchHeader.attributesOffset)
        buffer.setInteger(crc, at: index + RecordBatchHeader.crcOffset)
    }

    /// Whether the batch at `index` is complete in `buffer` and its CRC matches.
    @inlinable
    public static func crcIsValid(in buffer: ByteBuffer, at index: Int) -> Bool {
        guard let header = RecordBatchHeader(buffer: buffer, at: index) else { return false }
        return header.crcIsValid(in: buffer, at: index)
    }
}
