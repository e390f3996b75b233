import Foundation
import Testing

@testable import KafkaBroker

@Suite struct ConfigPropertiesTests {
    @Test func parsesCommentsSeparatorsAndWhitespace() throws {
        let text = """
            # a comment
              ! another comment
            num.partitions=3
              log.dirs :  /data/a , /data/b  \t
            listeners PLAINTEXT://127.0.0.1:9093

            empty.value=
            """
        let props = try PropertiesParser.parse(text)
        #expect(props == [
            "num.partitions": "3",
            "log.dirs": "/data/a , /data/b",
            "listeners": "PLAINTEXT://127.0.0.1:9093",
            "empty.value": "",
        ])
    }

    @Test func joinsContinuationLinesAndUnescapes() throws {
        let text = "advertised.listeners=PLAINTEXT://a:1,\\\n    PLAINTEXT2://b:2\nkey\\=with\\:seps=x\\ty\\u0041\ntrailing=a\\\\\nlast=z\r\nwin=1"
        let props = try PropertiesParser.parse(text)
        #expect(props["advertised.listeners"] == "PLAINTEXT://a:1,PLAINTEXT2://b:2")
        #expect(props["key=with:seps"] == "x\tyA")
        #expect(props["trailing"] == "a\\")
        #expect(props["last"] == "z")
        #expect(props["win"] == "1")
    }

    @Test func laterDuplicateWins() throws {
        #expect(try PropertiesParser.parse("a=1\na=2") == ["a": "2"])
    }

    @Test func malformedUnicodeEscapeNamesTheLine() {
        #expect(throws: ConfigError.self) { try PropertiesParser.parse("ok=1\nbad=\\u12", source: "server.properties") }
        do {
            _ = try PropertiesParser.parse("ok=1\nbad=\\u12", source: "server.properties")
        } catch {
            #expect(error.message.contains("Line 2 of server.properties"))
        }
    }

    @Test func defaultsMatchKafka() throws {
        let config = try BrokerConfig(properties: [:])
        #expect(config.nodeId == 1)
        #expect(config.listenerHost == "0.0.0.0")
        #expect(config.listenerPort == 9092)
        #expect(config.advertisedHost == ProcessInfo.processInfo.hostName)
        #expect(config.advertisedPort == 9092)
        #expect(config.logDirs.isEmpty)
        #expect(config.numPartitions == 1)
        #expect(config.defaultReplicationFactor == 1)
        #expect(config.autoCreateTopicsEnable)
        #expect(config.socketRequestMaxBytes == 104_857_600)
        #expect(config.messageMaxBytes == 1_048_588)
        #expect(config.logSegmentBytes == 1_073_741_824)
        #expect(config.logRollMs == 604_800_000)
        #expect(config.logRetentionMs == 604_800_000)
        #expect(config.logRetentionBytes == -1)
        #expect(config.logFlushIntervalMessages == .max)
        #expect(config.logFlushIntervalMs == .max)
        #expect(config.logMessageTimestampType == "CreateTime")
        #expect(config.logCleanupPolicy == ["delete"])
        #expect(config.compressionType == "producer")
        #expect(config.logRetentionCheckIntervalMs == 300_000)
        #expect(config.logCleanerBackoffMs == 15_000)
        #expect(config.deleteTopicEnable)
        #expect(config.groupInitialRebalanceDelayMs == 3000)
    }

    @Test func typedAccessorsReadSetValuesAndConvertUnits() throws {
        let config = try BrokerConfig(properties: [
            "node.id": "7", "num.partitions": " 4 ", "default.replication.factor": "3",
            "auto.create.topics.enable": "FALSE", "socket.request.max.bytes": "1000", "message.max.bytes": "2000",
            "log.segment.bytes": "16384", "log.roll.hours": "2", "log.retention.minutes": "5",
            "log.retention.bytes": "123", "log.flush.interval.messages": "10", "log.flush.scheduler.interval.ms": "50",
            "log.message.timestamp.type": "LogAppendTime", "log.cleanup.policy": "compact, delete",
            "compression.type": "zstd", "log.retention.check.interval.ms": "1000", "log.cleaner.backoff.ms": "20",
            "delete.topic.enable": "false", "group.initial.rebalance.delay.ms": "0", "custom.key": "kept",
        ])
        #expect(config.nodeId == 7)
        #expect(config.numPartitions == 4)
        #expect(config.defaultReplicationFactor == 3)
        #expect(!config.autoCreateTopicsEnable)
        #expect(config.socketRequestMaxBytes == 1000)
        #expect(config.messageMaxBytes == 2000)
        #expect(config.logSegmentBytes == 16384)
        #expect(config.logRollMs == 7_200_000)
        #expect(config.logRetentionMs == 300_000)
        #expect(config.logRetentionBytes == 123)
        #expect(config.logFlushIntervalMessages == 10)
        #expect(config.logFlushIntervalMs == 50)
        #expect(config.logMessageTimestampType == "LogAppendTime")
        #expect(config.logCleanupPolicy == ["compact", "delete"])
        #expect(config.compressionType == "zstd")
        #expect(config.logRetentionCheckIntervalMs == 1000)
        #expect(config.logCleanerBackoffMs == 20)
        #expect(!config.deleteTopicEnable)
        #expect(config.groupInitialRebalanceDelayMs == 0)
        #expect(config.properties["custom.key"] == "kept")
        #expect(config.properties["num.partitions"] == "4")
        #expect(config.unrecognizedKeys == ["custom.key"])
    }

    @Test func retentionPrecedenceIsMillisThenMinutesThenHours() throws {
        let all = try BrokerConfig(properties: ["log.retention.ms": "1000", "log.retention.minutes": "2", "log.retention.hours": "3"])
        #expect(all.logRetentionMs == 1000)
        let noMillis = try BrokerConfig(properties: ["log.retention.minutes": "2", "log.retention.hours": "3"])
        #expect(noMillis.logRetentionMs == 120_000)
        let hours = try BrokerConfig(properties: ["log.retention.hours": "3"])
        #expect(hours.logRetentionMs == 10_800_000)
        // Kafka treats any negative retention time as "forever".
        let negative = try BrokerConfig(properties: ["log.retention.ms": "-5"])
        #expect(negative.logRetentionMs == -1)
        let negativeHours = try BrokerConfig(properties: ["log.retention.hours": "-1"])
        #expect(negativeHours.logRetentionMs == -1)
        let roll = try BrokerConfig(properties: ["log.roll.ms": "5", "log.roll.hours": "9"])
        #expect(roll.logRollMs == 5)
    }

    @Test func listenersAndAdvertisedListeners() throws {
        let config = try BrokerConfig(properties: [
            "listeners": "PLAINTEXT://127.0.0.1:9093,INTERNAL://[::1]:9094",
            "advertised.listeners": "INTERNAL://internal.example:1,PLAINTEXT://kafka.example:19093",
        ])
        #expect(config.listeners == [
            Listener(name: "PLAINTEXT", host: "127.0.0.1", port: 9093), Listener(name: "INTERNAL", host: "::1", port: 9094),
        ])
        #expect(config.listenerHost == "127.0.0.1")
        #expect(config.listenerPort == 9093)
        #expect(config.advertisedHost == "kafka.example")
        #expect(config.advertisedPort == 19093)

        let defaulted = try BrokerConfig(properties: ["listeners": "PLAINTEXT://10.0.0.5:0"])
        #expect(defaulted.advertisedHost == "10.0.0.5")
        #expect(defaulted.advertisedPort == 0)
    }

    @Test func badListenersNameTheKey() {
        for (key, value) in [
            ("listeners", "127.0.0.1:9092"), ("listeners", "PLAINTEXT://host:99999"), ("listeners", "PLAINTEXT://host:abc"),
            ("listeners", "A://h:1,A://h:2"), ("advertised.listeners", "nohost"),
            ("advertised.listeners", "PLAINTEXT://0.0.0.0:9092"),
        ] {
            let error = #expect(throws: ConfigError.self) { try BrokerConfig(properties: [key: value]) }
            #expect(error?.message.hasPrefix("Invalid value") == true)
            #expect(error?.message.contains("for configuration \(key):") == true)
        }
    }

    @Test func nodeIdFallsBackToBrokerIdAndMustAgree() throws {
        #expect(try BrokerConfig(properties: ["broker.id": "4"]).nodeId == 4)
        #expect(try BrokerConfig(properties: ["node.id": "4", "broker.id": "4"]).nodeId == 4)
        let error = #expect(throws: ConfigError.self) { try BrokerConfig(properties: ["node.id": "4", "broker.id": "5"]) }
        #expect(error?.message.contains("node.id (4) and broker.id (5)") == true)
    }

    @Test func logDirsPreferLogDirsOverLogDir() throws {
        #expect(try BrokerConfig(properties: ["log.dirs": "/a, /b,", "log.dir": "/c"]).logDirs == ["/a", "/b"])
        #expect(try BrokerConfig(properties: ["log.dir": "/c"]).logDirs == ["/c"])
    }

    @Test func invalidBrokerValuesGiveOneSentenceNamingTheKey() {
        let cases: [(String, String, String)] = [
            ("num.partitions", "0", "Invalid value 0 for configuration num.partitions: Value must be at least 1"),
            ("num.partitions", "many", "Invalid value many for configuration num.partitions: Not a number of type INT"),
            ("auto.create.topics.enable", "yes", "Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false"),
            ("log.segment.bytes", "10", "Invalid value 10 for configuration log.segment.bytes: Value must be at least 14"),
            ("log.roll.hours", "0", "Invalid value 0 for configuration log.roll.hours: Value must be at least 1"),
            ("log.cleanup.policy", "sometimes", "Invalid value sometimes for configuration log.cleanup.policy: String must be one of: compact, delete"),
            ("compression.type", "brotli", "Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"),
            ("log.retention.hours", "99999999999", "Invalid value 99999999999 for configuration log.retention.hours: Not a number of type INT"),
        ]
        for (key, value, message) in cases {
            let error = #expect(throws: ConfigError.self) { try BrokerConfig(properties: [key: value]) }
            #expect(error?.message == message)
            #expect(error?.key == key)
        }
    }

    @Test func loadReadsFileThenAppliesOverrides() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("petrel-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("server.properties").path
        try "num.partitions=3\nlog.retention.hours=1\nlisteners=PLAINTEXT://127.0.0.1:9092\n".write(toFile: file, atomically: true, encoding: .utf8)
        let config = try BrokerConfig.load(file: file, overrides: ["num.partitions": "5", "log.dirs": "/tmp/x"])
        #expect(config.numPartitions == 5)
        #expect(config.logRetentionMs == 3_600_000)
        #expect(config.logDirs == ["/tmp/x"])
        #expect(config.listenerPort == 9092)

        let missing = #expect(throws: ConfigError.self) { try BrokerConfig.load(file: dir.appendingPathComponent("nope").path) }
        #expect(missing?.message.contains("does not exist") == true)
        let noFile = try BrokerConfig.load(file: nil, overrides: ["node.id": "2"])
        #expect(noFile.nodeId == 2)
    }
}
