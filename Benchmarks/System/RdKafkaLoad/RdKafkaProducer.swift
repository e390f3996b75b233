import CRdKafka
#if canImport(Glibc)
import Glibc
#endif

/// A librdkafka producer bound to one topic. Not thread-safe: one thread produces and polls.
public final class RdKafkaProducer {
    public enum Outcome: Equatable {
        case enqueued
        /// The local queue (queue.buffering.max.messages / kbytes) is full: poll, then retry.
        case queueFull
        case failed(String)
    }

    /// librdkafka's "any partition": the configured partitioner picks.
    public static let anyPartition: Int32 = -1

    private let handle: RdKafkaHandle
    private let topic: OpaquePointer
    private let counter: DeliveryCounter

    public init(bootstrap: String, topic name: String, properties: RdKafkaProperties) throws(LoadError) {
        let counter = DeliveryCounter()
        var props = properties
        props["bootstrap.servers"] = bootstrap
        handle = try RdKafkaHandle(type: RD_KAFKA_PRODUCER, properties: props, callbackTarget: counter) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf, DeliveryCounter.callback)
            rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(counter).toOpaque())
        }
        guard let topic = rd_kafka_topic_new(handle.rk, name, nil) else {
            throw LoadError("rd_kafka_topic_new(\(name)): \(RdKafkaHandle.errorName(rd_kafka_last_error()))")
        }
        self.topic = topic
        self.counter = counter
    }

    deinit {
        // Messages still queued would call back into the counter: drop them, then let
        // in-flight requests finish before the counter goes away.
        rd_kafka_purge(handle.rk, RD_KAFKA_PURGE_F_QUEUE)
        rd_kafka_flush(handle.rk, 10_000)
        rd_kafka_topic_destroy(topic)
    }

    /// Enqueues a copy of `payload` (librdkafka copies it, so the caller may reuse the bytes).
    @inline(__always)
    public func produce(_ payload: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer? = nil, partition: Int32 = anyPartition) -> Outcome {
        let rc = rd_kafka_produce(
            topic, partition, RD_KAFKA_MSG_F_COPY, UnsafeMutableRawPointer(mutating: payload.baseAddress), payload.count,
            key?.baseAddress, key?.count ?? 0, nil)
        if rc == 0 { return .enqueued }
        let err = rd_kafka_last_error()
        if err == RD_KAFKA_RESP_ERR__QUEUE_FULL { return .queueFull }
        return .failed(RdKafkaHandle.errorName(err))
    }

    /// Serves delivery reports for up to `timeoutMs` (0: only what is ready).
    @discardableResult
    public func poll(timeoutMs: Int32 = 0) -> Int32 { rd_kafka_poll(handle.rk, timeoutMs) }

    /// Waits until every queued and in-flight message has its delivery report.
    public func flush(timeoutMs: Int32) throws(LoadError) {
        let err = rd_kafka_flush(handle.rk, timeoutMs)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw LoadError("flush: \(RdKafkaHandle.errorName(err)) with \(rd_kafka_outq_len(handle.rk)) messages outstanding")
        }
    }

    /// Drops messages not yet sent (a timed run is over), then waits for the in-flight ones.
    public func purgeAndFlush(timeoutMs: Int32) throws(LoadError) {
        rd_kafka_purge(handle.rk, RD_KAFKA_PURGE_F_QUEUE)
        try flush(timeoutMs: timeoutMs)
    }

    public var delivered: UInt64 { counter.delivered }
    public var deliveredBytes: UInt64 { counter.deliveredBytes }
    public var failed: UInt64 { counter.failed }
    public var firstError: String? { counter.firstError }

    /// Called from `poll` for every delivered message: its partition and the broker that
    /// acknowledged it (`rd_kafka_message_broker_id`).
    public var onDelivered: ((_ partition: Int32, _ broker: Int32) -> Void)? {
        get { counter.onDelivered }
        set { counter.onDelivered = newValue }
    }
}
