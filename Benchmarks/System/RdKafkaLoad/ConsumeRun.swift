/// What a consumer read after its first batch arrived, and how long that took.
public struct ConsumeResult: Sendable, Codable {
    public var messages: UInt64
    public var bytes: UInt64
    public var seconds: Double
    public var totalMessages: UInt64

    public var messagesPerSecond: Double { seconds > 0 ? Double(messages) / seconds : 0 }
    public var bytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds : 0 }
}

/// Reading a whole pre-written topic from the beginning with a fresh consumer.
public struct ConsumeRun {
    public var bootstrap: String
    public var topic: String
    public var partitions: Int32
    public var properties: RdKafkaProperties

    public init(bootstrap: String, topic: String, partitions: Int32, properties: RdKafkaProperties) {
        self.bootstrap = bootstrap
        self.topic = topic
        self.partitions = partitions
        self.properties = properties
    }

    /// Reads until `expected` messages arrived. The clock starts when the first batch has
    /// arrived and that batch is not counted, so connection setup and metadata lookups are not
    /// part of the figure.
    public func run(expected: UInt64, timeoutSeconds: Double = 120) throws(LoadError) -> ConsumeResult {
        let consumer = try RdKafkaConsumer(bootstrap: bootstrap, properties: properties, batchSize: 4096)
        try consumer.assign(topic: topic, partitions: partitions)
        let deadline = MonotonicClock.now() + UInt64(timeoutSeconds * 1e9)
        var first: (time: UInt64, messages: UInt64, bytes: UInt64)?
        var messages: UInt64 = 0
        var bytes: UInt64 = 0
        while messages < expected {
            if MonotonicClock.now() > deadline {
                throw LoadError("consumed \(messages) of \(expected) messages of \(topic) within \(timeoutSeconds)s")
            }
            let got = try consumer.poll(timeoutMs: 100) { payload in bytes &+= UInt64(payload.count) }
            messages += UInt64(got)
            if got > 0, first == nil { first = (MonotonicClock.now(), messages, bytes) }
        }
        let end = MonotonicClock.now()
        let start = first ?? (end, messages, bytes)
        return ConsumeResult(
            messages: messages - start.messages, bytes: bytes - start.bytes,
            seconds: MonotonicClock.seconds(end - start.time), totalMessages: messages)
    }
}
