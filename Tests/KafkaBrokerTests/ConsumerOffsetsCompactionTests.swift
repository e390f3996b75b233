import Foundation
import KafkaProtocol
import LogStorage
import Logging
import Testing

@testable import KafkaBroker

/// `__consumer_offsets` is an ordinary compacted topic to the log cleaner: it keeps the latest
/// commit per group, topic and partition, and the coordinator replays the compacted log (offset
/// gaps, empty batches) to the same offsets.
@Suite struct ConsumerOffsetsCompactionTests {
    typealias Shard = GroupCoordinatorShardTests

    @Test func theCleanerKeepsTheLatestCommitAndARestartReplaysIt() async throws {
        let fixture = try await GroupCoordinatorFixture.make(partitions: 1)
        try await fixture.createTopic(name: "t", partitions: 2)
        try await fixture.topics.setConfigs(topic: "__consumer_offsets", ["cleanup.policy": "compact", "segment.bytes": "1024"])
        let offsets = try #require(fixture.topics.partition(topic: "__consumer_offsets", index: 0))
        // The cache shows the change first; the logs get it when this broker applies it.
        try await BrokerFixture.waitFor("the new segment size on the log") { offsets.log.config.segmentBytes == 1024 ? true : nil }
        for offset in Int64(1)...200 {
            let response = await fixture.offsetCommit.response(to: Shard.commit("g", [("t", 0, offset), ("t", 1, offset * 2)]), version: 8)
            #expect(Shard.codes(response) == [0, 0])
        }
        let log = try #require(fixture.topics.partition(topic: "__consumer_offsets", index: 0)?.log)
        let sizeBefore = log.size
        #expect(log.segmentCount > 10)
        let key = TopicPartition(topic: "__consumer_offsets", partition: 0)
        let path = fixture.path
        let cleaner = LogCleaner(
            config: LogCleanerConfig(), dataDirs: [path], logs: { [key: (log: log, dataDir: path)] },
            logger: GroupCoordinatorFixture.logger)
        let summary = try #require(cleaner.cleanOnce())
        // One record per (group, topic, partition) survives below the active segment.
        #expect(summary.recordsKept == 2)
        #expect(log.size < sizeBefore / 4)

        try await fixture.restart(clean: false)
        #expect(fixture.fetch("g", [("t", [0, 1])]) == ["t-0": 200, "t-1": 400])
        try await fixture.restart(clean: true)
        #expect(fixture.fetch("g", [("t", [0, 1])]) == ["t-0": 200, "t-1": 400])
    }
}
