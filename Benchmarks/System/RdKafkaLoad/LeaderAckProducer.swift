/// A producer for failover runs: a steady trickle of records to every partition of a topic,
/// one per partition per tick, noting which broker acknowledges each partition. After the
/// caller kills a leader and calls `watch`, it records when each of that broker's partitions is
/// first acknowledged by another broker: with acks=all, the new leader has the record and
/// enough in-sync replicas for it. Not thread-safe: one thread produces and polls.
public final class LeaderAckProducer {
    private let producer: RdKafkaProducer
    private let acks = AckLog()
    private let partitions: Int32
    private let payloads: PayloadSet
    private var index = 0

    public init(
        bootstrap: String, topic: String, partitions: Int32, properties: RdKafkaProperties, payloads: PayloadSet
    ) throws(LoadError) {
        producer = try RdKafkaProducer(bootstrap: bootstrap, topic: topic, properties: properties)
        self.partitions = partitions
        self.payloads = payloads
        producer.onDelivered = { [acks] partition, broker in acks.record(partition: partition, broker: broker) }
    }

    /// The broker that acknowledged each partition's latest record.
    public var lastAckedBy: [Int32: Int32] { acks.lastBroker }
    /// After `watch`: when (MonotonicClock) each watched partition was first acknowledged by
    /// a broker other than the excluded one.
    public var takenOver: [Int32: UInt64] { acks.takenOver }
    public var failed: UInt64 { producer.failed }
    public var firstError: String? { producer.firstError }

    /// From now on, note for each of `partitions` the first acknowledgement from a broker other
    /// than `broker`.
    public func watch(_ partitions: Set<Int32>, excluding broker: Int32) {
        acks.watched = partitions
        acks.excluded = broker
        acks.takenOver = [:]
    }

    /// Produces one record to each partition every `tick` seconds and serves delivery reports
    /// in between (1 ms polls), until `done` is true (checked after every poll) or `timeout`
    /// seconds pass. False on timeout.
    public func run(tick: Double, timeout: Double, until done: () -> Bool) throws(LoadError) -> Bool {
        let start = MonotonicClock.now()
        let deadline = start + UInt64(timeout * 1e9)
        let step = UInt64(tick * 1e9)
        var next = start
        while true {
            let now = MonotonicClock.now()
            if now >= next {
                for partition in 0..<partitions {
                    switch producer.produce(payloads.payload(index), partition: partition) {
                    case .enqueued: index += 1
                    case .queueFull: break  // behind a dead leader: its records wait in the queue
                    case .failed(let reason): throw LoadError("produce to partition \(partition): \(reason)")
                    }
                }
                next = max(next + step, now)
            }
            producer.poll(timeoutMs: 1)
            if done() { return true }
            if now >= deadline { return false }
        }
    }
}

/// Delivery reports of a `LeaderAckProducer`, written from `poll` on the producing thread.
private final class AckLog {
    var lastBroker: [Int32: Int32] = [:]
    var watched: Set<Int32> = []
    var excluded: Int32 = -1
    var takenOver: [Int32: UInt64] = [:]

    func record(partition: Int32, broker: Int32) {
        lastBroker[partition] = broker
        if watched.contains(partition), broker != excluded, takenOver[partition] == nil {
            takenOver[partition] = MonotonicClock.now()
        }
    }
}
