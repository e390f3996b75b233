import KafkaClient
import KafkaProtocol
import Testing

@Suite struct ApiVersionTableTests {
    @Test func picksTheLowerOfTheTwoMaxima() {
        let table = ApiVersionTable(broker: [ApiKey.produce.rawValue: 0...7, ApiKey.metadata.rawValue: 0...40])
        #expect(table.version(for: .produce) == 7)
        #expect(table.version(for: .metadata) == ApiVersionTable.clientRange(for: .metadata).upperBound)
    }

    @Test func refusesWhenRangesDoNotOverlapOrTheApiIsMissing() {
        // Produce below v3 cannot carry v2 record batches.
        let table = ApiVersionTable(broker: [ApiKey.produce.rawValue: 0...2])
        #expect(table.version(for: .produce) == nil)
        #expect(table.version(for: .createTopics) == nil)
        #expect(!table.supports(.createTopics))
    }

    @Test func fetchStaysOnTopicNames() {
        let table = ApiVersionTable(broker: [ApiKey.fetch.rawValue: 0...17])
        #expect(table.version(for: .fetch) == 12)
    }
}
