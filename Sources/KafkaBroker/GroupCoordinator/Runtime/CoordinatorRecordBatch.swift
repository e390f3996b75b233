import KafkaProtocol
import NIOCore

/// Turns coordinator records into one uncompressed v2 batch for `__consumer_offsets`.
/// One request's records go into one batch, so they land (and are lost) together.
enum CoordinatorRecordBatch {
    static func build(_ records: [CoordinatorRecord], timestamp: Int64, allocator: ByteBufferAllocator) throws(BrokerError) -> ByteBuffer {
        var builder = RecordBatchBuilder(allocator: allocator)
        for record in records {
            builder.append(
                key: CoordinatorRecordSerde.encodeKey(record, allocator: allocator),
                value: CoordinatorRecordSerde.encodeValue(record, allocator: allocator), timestamp: timestamp)
        }
        do {
            return try builder.build(allocator: allocator)
        } catch {
            throw BrokerError(.unknownServerError, "cannot build a coordinator record batch: \(error)")
        }
    }
}
