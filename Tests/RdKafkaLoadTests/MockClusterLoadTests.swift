import RdKafkaLoad
import Testing

/// The load generator against librdkafka's in-process mock cluster: what it counts is what
/// was really delivered and read.
@Suite struct MockClusterLoadTests {
    @Test func countedProduceThenConsumeReadsEveryRecord() throws {
        let mock = try MockCluster()
        try mock.createTopic("counted", partitions: 4)
        let payloads = PayloadSet(size: 200)
        let filled = try ProduceRun(bootstrap: mock.bootstrap, topic: "counted", properties: ["linger.ms": "1"], payloads: payloads)
            .counted(2_000, partitions: 4)
        #expect(filled.messages == 2_000)
        #expect(filled.bytes == 2_000 * 200)
        #expect(filled.failed == 0)

        let read = try ConsumeRun(bootstrap: mock.bootstrap, topic: "counted", partitions: 4, properties: [:])
            .run(expected: 2_000, timeoutSeconds: 30)
        #expect(read.totalMessages == 2_000)
        #expect(read.messages <= read.totalMessages)
    }

    @Test func timedProduceCountsOnlyDeliveredMessages() throws {
        let mock = try MockCluster()
        try mock.createTopic("timed", partitions: 1)
        var edges: [WindowEdge] = []
        let result = try ProduceRun(bootstrap: mock.bootstrap, topic: "timed", properties: ["acks": "1"], payloads: PayloadSet(size: 1024))
            .timed(warmup: 0.1, window: 0.3) { edges.append($0) }
        #expect(edges == [.start, .end])
        #expect(result.messages > 0)
        #expect(result.bytes == result.messages * 1024)
        #expect(result.failed == 0)
        #expect(result.seconds > 0.2)
    }

    @Test func latencyRunReadsEveryStampedMessage() throws {
        let mock = try MockCluster()
        try mock.createTopic("latency", partitions: 1)
        let run = LatencyRun(
            bootstrap: mock.bootstrap, topic: "latency", partitions: 1, producerProperties: ["linger.ms": "1"],
            consumerProperties: ["fetch.wait.max.ms": "10"], payloads: PayloadSet(size: 512))
        let result = try run.run(rate: 2_000, warmup: 0.1, window: 0.4)
        #expect(result.produced > 0)
        #expect(result.consumed == result.produced)
        #expect(result.lost == 0)
        #expect(result.samples > 0 && result.samples <= result.consumed)
        #expect(result.p50 <= result.p99 && result.p99 <= result.p999 && result.p999 <= result.max)
    }

    @Test func unknownPropertyIsAClearError() {
        #expect {
            _ = try RdKafkaProducer(bootstrap: "127.0.0.1:1", topic: "t", properties: ["no.such.property": "1"])
        } throws: { error in
            "\(error)".contains("no.such.property")
        }
    }
}
