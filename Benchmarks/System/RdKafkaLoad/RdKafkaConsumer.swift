import CRdKafka

/// A librdkafka consumer reading explicitly assigned partitions (no group rebalance, no
/// commits), in batches from its consumer queue. Not thread-safe: one thread polls.
public final class RdKafkaConsumer {
    public static let offsetBeginning: Int64 = -2
    public static let offsetEnd: Int64 = -1

    private let handle: RdKafkaHandle
    private let queue: OpaquePointer
    private var batch: [UnsafeMutablePointer<rd_kafka_message_t>?]

    public init(bootstrap: String, properties: RdKafkaProperties, batchSize: Int = 1024) throws(LoadError) {
        var props: RdKafkaProperties = [
            // assign() needs a group; nothing is committed to it.
            "group.id": "petrel-bench",
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
        ]
        props.merge(properties) { $1 }
        props["bootstrap.servers"] = bootstrap
        handle = try RdKafkaHandle(type: RD_KAFKA_CONSUMER, properties: props)
        guard let queue = rd_kafka_queue_get_consumer(handle.rk) else { throw LoadError("no consumer queue") }
        self.queue = queue
        batch = Array(repeating: nil, count: batchSize)
    }

    deinit {
        rd_kafka_queue_destroy(queue)
        rd_kafka_consumer_close(handle.rk)
    }

    /// Reads partitions 0..<partitions of `topic` from `offset`.
    public func assign(topic: String, partitions: Int32, from offset: Int64 = offsetBeginning) throws(LoadError) {
        guard let list = rd_kafka_topic_partition_list_new(partitions) else { throw LoadError("partition list") }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for p in 0..<partitions {
            rd_kafka_topic_partition_list_add(list, topic, p).pointee.offset = offset
        }
        let err = rd_kafka_assign(handle.rk, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw LoadError("assign \(topic): \(RdKafkaHandle.errorName(err))") }
    }

    /// Hands every message already fetched to `body` (payload and length), or, when there is
    /// none, waits up to `timeoutMs` for the next one. Returns as soon as anything arrived
    /// (a batch call with a timeout would wait to fill the batch, adding latency).
    /// Errors other than end-of-partition are thrown.
    public func poll(timeoutMs: Int32, _ body: (UnsafeRawBufferPointer) -> Void) throws(LoadError) -> Int {
        var got = batch.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_consume_batch_queue(queue, 0, buffer.baseAddress, buffer.count)
        }
        if got <= 0 {
            guard let one = rd_kafka_consumer_poll(handle.rk, timeoutMs) else { return 0 }
            batch[0] = one
            got = 1
        }
        var firstError: rd_kafka_resp_err_t?
        var messages = 0
        for i in 0..<got {
            guard let message = batch[i] else { continue }
            defer { rd_kafka_message_destroy(message) }
            let err = message.pointee.err
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                messages += 1
                body(UnsafeRawBufferPointer(start: message.pointee.payload, count: message.pointee.len))
            } else if err != RD_KAFKA_RESP_ERR__PARTITION_EOF, firstError == nil {
                firstError = err
            }
        }
        if let firstError { throw LoadError("consume: \(RdKafkaHandle.errorName(firstError))") }
        return messages
    }
}
