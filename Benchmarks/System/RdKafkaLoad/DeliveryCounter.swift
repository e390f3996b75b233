import CRdKafka

/// Delivery reports of one producer. librdkafka calls back only from inside `rd_kafka_poll` or
/// `rd_kafka_flush` on the thread that calls them, so the counters need no lock.
final class DeliveryCounter {
    private(set) var delivered: UInt64 = 0
    private(set) var deliveredBytes: UInt64 = 0
    private(set) var failed: UInt64 = 0
    private(set) var purged: UInt64 = 0
    private(set) var firstError: String?
    /// Called for every delivered message with its partition and the broker that acknowledged
    /// it (failover runs watch leaders change); nil, and so free, in throughput runs.
    var onDelivered: ((_ partition: Int32, _ broker: Int32) -> Void)?

    func record(_ message: UnsafePointer<rd_kafka_message_t>) {
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
            delivered &+= 1
            deliveredBytes &+= UInt64(message.pointee.len)
            if let onDelivered { onDelivered(message.pointee.partition, rd_kafka_message_broker_id(message)) }
        } else if err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT {
            // Our own purge at the end of a timed run: never sent, not a broker failure.
            purged &+= 1
        } else {
            failed &+= 1
            if firstError == nil { firstError = RdKafkaHandle.errorName(err) }
        }
    }

    /// The C callback librdkafka calls per message; the counter travels as the conf opaque.
    static let callback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
        _, message, opaque in
        guard let message, let opaque else { return }
        Unmanaged<DeliveryCounter>.fromOpaque(opaque).takeUnretainedValue().record(message)
    }
}
