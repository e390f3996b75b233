import NIOCore

/// Transaction markers (control batches) and their record layout (ControlRecordType.java,
/// EndTransactionMarker.java): key = version i16 (0) + type i16; value = version i16 (0) + coordinatorEpoch i32.
public enum ControlRecordType: Int16, Sendable {
    case abort = 0
    case commit = 1
}

extension RecordBatchBuilder {
    /// A one-record control batch ending a transaction of `producerId`/`producerEpoch`.
    public static func endTransactionMarker(
        _ type: ControlRecordType, producerId: Int64, producerEpoch: Int16, coordinatorEpoch: Int32,
        timestamp: Int64, baseOffset: Int64 = 0, partitionLeaderEpoch: Int32 = RecordBatchHeader.noPartitionLeaderEpoch
    ) throws(CompressionError) -> ByteBuffer {
        var builder = RecordBatchBuilder(
            baseOffset: baseOffset, partitionLeaderEpoch: partitionLeaderEpoch, producerId: producerId,
            producerEpoch: producerEpoch, isTransactional: true, isControl: true)
        var key = ByteBuffer()
        key.writeInteger(Int16(0))
        key.writeInteger(type.rawValue)
        var value = ByteBuffer()
        value.writeInteger(Int16(0))
        value.writeInteger(coordinatorEpoch)
        builder.append(key: key, value: value, timestamp: timestamp)
        return try builder.build()
    }
}

extension Record {
    /// The marker type of a control record (nil if the key is not a control key).
    public var controlType: ControlRecordType? {
        guard let key, key.readableBytes >= 4,
              let raw = key.getInteger(at: key.readerIndex + 2, as: Int16.self) else { return nil }
        return ControlRecordType(rawValue: raw)
    }
}

extension ControlRecordType {
    /// The marker type of the control batch whose header starts at `index` in `buffer` (its one
    /// record is uncompressed); nil when the batch is not a control batch or does not parse.
    public static func of(batchIn buffer: ByteBuffer, at index: Int, header: RecordBatchHeader) -> ControlRecordType? {
        guard header.isControl, header.totalSize >= RecordBatchHeader.size,
              var records = buffer.getSlice(
                at: index + RecordBatchHeader.recordsOffset, length: header.totalSize - RecordBatchHeader.recordsOffset)
        else { return nil }
        return (try? Record.read(from: &records))?.controlType
    }
}
