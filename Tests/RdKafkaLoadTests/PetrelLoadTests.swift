import RdKafkaLoad
import TestSupport
import Testing

/// The load generator against a real Petrel broker process: topics made and removed through
/// librdkafka's Admin API, every record written is read back.
@Suite struct PetrelLoadTests {
    @Test func producesAndConsumesThroughARealBroker() throws {
        let broker = try BrokerProcess()
        try broker.start()
        defer { broker.stop() }
        let admin = try RdKafkaAdmin(bootstrap: broker.bootstrap)
        try admin.createTopic("load", partitions: 2)
        let written = try ProduceRun(bootstrap: broker.bootstrap, topic: "load", properties: ["acks": "-1"], payloads: PayloadSet(size: 300))
            .counted(1_000, partitions: 2)
        #expect(written.messages == 1_000)
        let read = try ConsumeRun(bootstrap: broker.bootstrap, topic: "load", partitions: 2, properties: [:])
            .run(expected: 1_000, timeoutSeconds: 30)
        #expect(read.totalMessages == 1_000)
        try admin.deleteTopic("load")
        #expect(throws: LoadError.self) { try admin.deleteTopic("load") }
    }
}
