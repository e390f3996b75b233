import LogStorage
import Testing

@testable import KafkaBroker

@Suite struct ConfigMaintenanceTests {
    @Test func kafkasDefaultsWhenNothingIsSet() throws {
        let config = try BrokerConfig(properties: [:])
        #expect(config.logMaintenance == LogMaintenanceConfig())
        #expect(config.logMaintenance.retentionCheckIntervalMs == 300_000)
        let cleaner = config.logMaintenance.cleaner
        #expect(cleaner.enabled && cleaner.threads == 1 && cleaner.backoffMs == 15_000)
        #expect(cleaner.dedupeBufferSize == 134_217_728 && cleaner.ioBufferSize == 524_288 && cleaner.dedupeLoadFactor == 0.9)
        #expect(cleaner.maxIOBytesPerSecond == .greatestFiniteMagnitude)
    }

    @Test func brokerKeysSetTheRetentionCheckAndTheCleaner() throws {
        let config = try BrokerConfig(properties: [
            "log.retention.check.interval.ms": "1000", "log.cleaner.backoff.ms": "1000", "log.cleaner.threads": "2",
            "log.cleaner.dedupe.buffer.size": "1048576", "log.cleaner.io.max.bytes.per.second": "5000000",
            "log.cleaner.io.buffer.size": "65536", "log.cleaner.io.buffer.load.factor": "0.75",
        ])
        let maintenance = config.logMaintenance
        #expect(maintenance.retentionCheckIntervalMs == 1_000)
        #expect(maintenance.cleaner.backoffMs == 1_000 && maintenance.cleaner.threads == 2)
        #expect(maintenance.cleaner.dedupeBufferSize == 1_048_576 && maintenance.cleaner.ioBufferSize == 65_536)
        #expect(maintenance.cleaner.maxIOBytesPerSecond == 5_000_000 && maintenance.cleaner.dedupeLoadFactor == 0.75)
        #expect(try BrokerConfig(properties: ["log.cleaner.enable": "false"]).logMaintenance.cleaner.enabled == false)
        #expect(try BrokerConfig(properties: ["log.cleaner.threads": "0"]).logMaintenance.cleaner.enabled == false)
    }

    @Test func badValuesNameTheKey() {
        for (key, value) in [("log.cleaner.threads", "-1"), ("log.retention.check.interval.ms", "0"), ("log.cleaner.enable", "maybe")] {
            do {
                _ = try BrokerConfig(properties: [key: value])
                Issue.record("\(key)=\(value) was accepted")
            } catch {
                #expect(error.key == key)
                #expect(error.message.contains(key))
            }
        }
    }

    @Test func compactionSettingsReachTheLogConfig() throws {
        let broker = try BrokerConfig(properties: [
            "log.cleaner.min.cleanable.ratio": "0.2", "log.cleaner.delete.retention.ms": "5000", "log.segment.delete.delay.ms": "10",
        ])
        let resolver = TopicConfigResolver(broker: broker)
        let defaults = resolver.logConfig(overrides: [:])
        #expect(defaults.minCleanableDirtyRatio == 0.2 && defaults.deleteRetentionMs == 5_000 && defaults.fileDeleteDelayMs == 10)
        #expect(defaults.minCompactionLagMs == 0 && defaults.maxCompactionLagMs == .max)
        let topic = resolver.logConfig(overrides: [
            "cleanup.policy": "compact,delete", "min.cleanable.dirty.ratio": "0.01", "delete.retention.ms": "1000",
            "min.compaction.lag.ms": "100", "max.compaction.lag.ms": "60000", "segment.ms": "600000",
        ])
        #expect(topic.cleanupPolicy == [.compact, .delete])
        #expect(topic.minCleanableDirtyRatio == 0.01 && topic.deleteRetentionMs == 1_000)
        #expect(topic.minCompactionLagMs == 100 && topic.maxCompactionLagMs == 60_000)
        // A compacted topic's active segment rolls by max.compaction.lag.ms when that is sooner.
        #expect(topic.maxSegmentMs == 60_000)
    }
}
