import NIOCore

/// In-place edits of a v2 record batch stored in a ByteBuffer, as the broker makes on append.
/// `index` is the absolute index of the batch's first byte; callers have parsed the header there.
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

    /// Marks the batch LogAppendTime with `timestamp` as its max timestamp and recomputes the CRC,
    /// as Kafka's `setMaxTimestamp` does for topics with message.timestamp.type=LogAppendTime.
    /// Returns false (leaving the buffer untouched) when the batch is not fully in the buffer.
    @inlinable
    @discardableResult
    public static func setLogAppendTime(_ timestamp: Int64, in buffer: inout ByteBuffer, at index: Int) -> Bool {
        setMaxTimestamp(timestamp, timestampType: .logAppendTime, in: &buffer, at: index)
    }

    /// Rewrites the timestamp type bit and max timestamp, then the CRC. A no-op when both
    /// already hold those values (which keeps the stored CRC byte-identical).
    @inlinable
    @discardableResult
    public static func setMaxTimestamp(
        _ timestamp: Int64, timestampType: TimestampType, in buffer: inout ByteBuffer, at index: Int
    ) -> Bool {
        guard let header = RecordBatchHeader(buffer: buffer, at: index),
              header.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead),
              buffer.writerIndex - index >= header.totalSize else { return false }
        if header.timestampType == timestampType && header.maxTimestamp == timestamp { return true }
        var attributes = header.attributes & ~RecordBatchHeader.timestampTypeMask
        if timestampType == .logAppendTime { attributes |= RecordBatchHeader.timestampTypeMask }
        buffer.setInteger(attributes, at: index + RecordBatchHeader.attributesOffset)
        buffer.setInteger(timestamp, at: index + RecordBatchHeader.maxTimestampOffset)
        updateCRC(in: &buffer, at: index, totalSize: header.totalSize)
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
