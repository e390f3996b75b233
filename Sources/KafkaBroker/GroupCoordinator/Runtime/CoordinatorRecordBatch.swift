import KafkaProtocol
import NIOCore

/// Turns coordinator records into one uncompressed v2 batch for `__consumer_offsets`.
/// One request's records go into one batch, so they land (and are lost) together.
enum CoordinatorRecordBatch {
    /// With `transaction`, the batch belongs to that producer's transaction (TxnOffsetCommit).
    static func build(
        _ records: [CoordinatorRecord], timestamp: Int64, transaction: ProducerIdAndEpoch? = nil,
        allocator: ByteBufferAllocator
    ) throws(BrokerError) -> ByteBuffer {
        var builder = RecordBatchBuilder(
            producerId: transaction?.producerId ?? RecordBatchHeader.noProducerId,
            producerEpoch: transaction?.epoch ?? RecordBatchHeader.noProducerEpoch,
            isTransactional: transaction != nil, allocator: allocator)
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
