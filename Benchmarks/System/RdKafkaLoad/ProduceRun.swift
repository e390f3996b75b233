/// What a produce run delivered: only delivery reports without error count.
public struct ProduceResult: Sendable, Codable {
    public var messages: UInt64
    public var bytes: UInt64
    public var seconds: Double
    public var failed: UInt64
    public var firstError: String?

    public var messagesPerSecond: Double { seconds > 0 ? Double(messages) / seconds : 0 }
    public var bytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds : 0 }
}

/// Producing at full speed: the producer keeps librdkafka's queue full and serves delivery
/// reports as it goes, so the slower of client and broker sets the pace.
public struct ProduceRun {
    public var bootstrap: String
    public var topic: String
    public var properties: RdKafkaProperties
    public var payloads: PayloadSet

    public init(bootstrap: String, topic: String, properties: RdKafkaProperties, payloads: PayloadSet) {
        self.bootstrap = bootstrap
        self.topic = topic
        self.properties = properties
        self.payloads = payloads
    }

    /// Produces for `warmup + window` seconds and counts what was delivered during the window;
    /// `onWindow` runs at the window's start and end (the caller samples broker CPU there).
    /// Messages still queued at the end are dropped, not waited for.
    public func timed(warmup: Double, window: Double, onWindow: (WindowEdge) -> Void = { _ in }) throws(LoadError) -> ProduceResult {
        let producer = try RdKafkaProducer(bootstrap: bootstrap, topic: topic, properties: properties)
        let start = MonotonicClock.now()
        let windowStart = start + UInt64(warmup * 1e9)
        let windowEnd = windowStart + UInt64(window * 1e9)
        var started: (time: UInt64, messages: UInt64, bytes: UInt64)?
        var index = 0
        var now = start
        while true {
            if index & 63 == 0 { now = MonotonicClock.now() }
            if started == nil, now >= windowStart {
                producer.poll()
                started = (MonotonicClock.now(), producer.delivered, producer.deliveredBytes)
                onWindow(.start)
            }
            if now >= windowEnd { break }
            switch producer.produce(payloads.payload(index)) {
            case .enqueued:
                index += 1
                if index & 1023 == 0 { producer.poll() }
            case .queueFull:
                producer.poll(timeoutMs: 1)
                now = MonotonicClock.now()
            case .failed(let reason):
                throw LoadError("produce to \(topic): \(reason)")
            }
            if producer.failed > 0 { break }
        }
        producer.poll()
        let end = MonotonicClock.now()
        onWindow(.end)
        let first = started ?? (end, 0, 0)
        let result = ProduceResult(
            messages: producer.delivered - first.messages, bytes: producer.deliveredBytes - first.bytes,
            seconds: MonotonicClock.seconds(end - first.time), failed: producer.failed, firstError: producer.firstError)
        try producer.purgeAndFlush(timeoutMs: 30_000)
        return result
    }

    /// Produces exactly `count` messages and waits for all of them (to fill a topic). With
    /// `partitions`, the messages go to partitions 0..<partitions in equal contiguous runs.
    public func counted(_ count: Int, partitions: Int32? = nil) throws(LoadError) -> ProduceResult {
        let producer = try RdKafkaProducer(bootstrap: bootstrap, topic: topic, properties: properties)
        let start = MonotonicClock.now()
        var index = 0
        while index < count {
            let partition = partitions.map { Int32(index * Int($0) / count) } ?? RdKafkaProducer.anyPartition
            switch producer.produce(payloads.payload(index), partition: partition) {
            case .enqueued:
                index += 1
                if index & 1023 == 0 { producer.poll() }
            case .queueFull:
                producer.poll(timeoutMs: 1)
            case .failed(let reason):
                throw LoadError("produce to \(topic): \(reason)")
            }
            if producer.failed > 0 { break }
        }
        try producer.flush(timeoutMs: 120_000)
        let result = ProduceResult(
            messages: producer.delivered, bytes: producer.deliveredBytes,
            seconds: MonotonicClock.seconds(MonotonicClock.now() - start), failed: producer.failed,
            firstError: producer.firstError)
        if result.failed > 0 || result.messages != UInt64(count) {
            throw LoadError("filling \(topic): \(result.messages) of \(count) delivered, first error \(result.firstError ?? "none")")
        }
        return result
    }
}

public enum WindowEdge: Sendable { case start, end }
