import Foundation
import Histogram

/// End-to-end latency percentiles, in microseconds, from a payload's send time to its arrival
/// at a consumer in the same process.
public struct LatencyResult: Sendable, Codable {
    public var targetRate: Double
    public var achievedRate: Double
    public var produced: UInt64
    public var consumed: UInt64
    /// Delivered but never read (a peer that drops old data, like the mock's 5 MiB log).
    public var lost: UInt64 { produced > consumed ? produced - consumed : 0 }
    public var samples: UInt64
    public var p50: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
}

/// Producing at a fixed rate while a consumer reads the same partition. Each payload carries
/// the time it was *due* (not when the loop got to it), so a stalled producer shows up as
/// latency instead of hiding it (no coordinated omission).
public struct LatencyRun {
    public var bootstrap: String
    public var topic: String
    public var partitions: Int32
    public var producerProperties: RdKafkaProperties
    public var consumerProperties: RdKafkaProperties
    public var payloads: PayloadSet

    public init(
        bootstrap: String, topic: String, partitions: Int32, producerProperties: RdKafkaProperties,
        consumerProperties: RdKafkaProperties, payloads: PayloadSet
    ) {
        self.bootstrap = bootstrap
        self.topic = topic
        self.partitions = partitions
        self.producerProperties = producerProperties
        self.consumerProperties = consumerProperties
        self.payloads = payloads
    }

    /// Runs `warmup + window` seconds at `rate` messages per second; samples sent during the
    /// warm-up are not counted.
    public func run(rate: Double, warmup: Double, window: Double) throws(LoadError) -> LatencyResult {
        let consumer = try RdKafkaConsumer(bootstrap: bootstrap, properties: consumerProperties)
        try consumer.assign(topic: topic, partitions: partitions)
        let producer = try RdKafkaProducer(bootstrap: bootstrap, topic: topic, properties: producerProperties)
        let start = MonotonicClock.now() + 200_000_000  // let the consumer find the leader first
        let countFrom = start + UInt64(warmup * 1e9)
        let end = countFrom + UInt64(window * 1e9)
        let reader = LatencyReader(consumer: consumer, countFrom: countFrom)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            reader.run()
            done.signal()
        }
        let interval = 1e9 / rate
        var sent: UInt64 = 0
        var lastDue: UInt64 = 0
        var failure: LoadError?
        MonotonicClock.sleep(until: start)
        produce: while true {
            let due = start + UInt64(Double(sent) * interval)
            if due >= end { break }
            var now = MonotonicClock.now()
            if due > now + 50_000 {
                producer.poll()
                MonotonicClock.sleep(until: due)
                now = MonotonicClock.now()
            }
            switch producer.produce(payloads.stamp(Int(sent), timestamp: due)) {
            case .enqueued:
                sent += 1
                lastDue = due
            case .queueFull: producer.poll(timeoutMs: 1)
            case .failed(let reason):
                failure = LoadError("produce to \(topic): \(reason)")
                break produce
            }
            if sent & 255 == 0 { producer.poll() }
        }
        let sendSeconds = MonotonicClock.seconds(MonotonicClock.now() - start)
        do { try producer.flush(timeoutMs: 30_000) } catch { failure = failure ?? error }
        reader.expect(last: lastDue, deadline: MonotonicClock.now() + 10_000_000_000)
        done.wait()
        if let failure { throw failure }
        if let error = reader.error { throw error }
        if producer.failed > 0 { throw LoadError("produce to \(topic): \(producer.firstError ?? "failed")") }
        let h = reader.histogram
        return LatencyResult(
            targetRate: rate, achievedRate: Double(sent) / sendSeconds, produced: producer.delivered,
            consumed: reader.consumed, samples: h.totalCount,
            p50: Double(h.valueAtPercentile(50)), p99: Double(h.valueAtPercentile(99)),
            p999: Double(h.valueAtPercentile(99.9)), max: Double(h.max))
    }
}

/// The consumer side of a latency run, on its own thread. The producer thread only sets the
/// last stamp and deadline (under the lock) and reads the results after the thread finished.
final class LatencyReader: @unchecked Sendable {
    private let consumer: RdKafkaConsumer
    private let countFrom: UInt64
    private let lock = NSLock()
    private var last: UInt64?
    private var deadline: UInt64 = .max
    private var newestSeen: UInt64 = 0
    private(set) var consumed: UInt64 = 0
    private(set) var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    private(set) var error: LoadError?

    init(consumer: RdKafkaConsumer, countFrom: UInt64) {
        self.consumer = consumer
        self.countFrom = countFrom
    }

    /// The producer is done: stop after the message stamped `last` (the partition keeps order).
    func expect(last: UInt64, deadline: UInt64) {
        lock.withLock {
            self.last = last
            self.deadline = deadline
        }
    }

    func run() {
        while true {
            let (lastStamp, until) = lock.withLock { (last, deadline) }
            if let lastStamp, newestSeen >= lastStamp { return }
            if MonotonicClock.now() > until {
                error = LoadError("the consumer did not see the last message (\(consumed) read)")
                return
            }
            do {
                _ = try consumer.poll(timeoutMs: 100) { payload in
                    let now = MonotonicClock.now()
                    consumed += 1
                    guard let sent = PayloadSet.timestamp(of: payload) else { return }
                    newestSeen = max(newestSeen, sent)
                    guard sent >= countFrom, now >= sent else { return }
                    _ = histogram.record((now - sent) / 1_000)
                }
            } catch {
                self.error = error
                return
            }
        }
    }
}
