import Foundation
import KafkaClient
import NIOCore
import Testing
import TestSupport

/// A runtime failure of a `topics:*` command: non-zero exit, exactly one line on stderr that
/// is one sentence (no usage dump, no backtrace).
func expectOneSentence(_ result: PetrelCLI.Result, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status != 0, "exit status", sourceLocation: sourceLocation)
    #expect(result.errorLines == ["Error: " + expected], sourceLocation: sourceLocation)
    #expect(!result.stderr.contains("Usage:"), sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
}

/// Bad input is refused before any broker is contacted; an unreachable broker is one sentence.
@Suite(.enabled(if: PetrelCLI.path != nil, "needs the petrel binary (swift build --product petrel)"))
struct TopicsInputErrorTests {
    /// Nothing listens here, so a command that got past validation would say "Cannot reach".
    static let nowhere = ["--bootstrap", "127.0.0.1:9"]

    @Test func partitionsBelowOne() async throws {
        let result = try await PetrelCLI.run(["topics:create", "t", "--partitions", "0"] + Self.nowhere)
        expectOneSentence(result, "--partitions must be 1 or more, but got 0; pass e.g. --partitions 3.")
    }

    @Test func replicationFactorBelowOne() async throws {
        let result = try await PetrelCLI.run(["topics:create", "t", "--replication-factor", "0"] + Self.nowhere)
        expectOneSentence(result, "--replication-factor must be 1 or more, but got 0; pass e.g. --replication-factor 3.")
    }

    @Test func unknownDurationUnit() async throws {
        let result = try await PetrelCLI.run(["topics:retention-time", "t", "36y"] + Self.nowhere)
        expectOneSentence(
            result, "Retention time '36y' has an unknown unit 'y'; write it like 36h or 10d (units: ms, s, m, h, d, w).")
        let create = try await PetrelCLI.run(["topics:create", "t", "--retention-time", "10"] + Self.nowhere)
        expectOneSentence(create, "Retention time '10' has no unit; write it like 36h or 10d (units: ms, s, m, h, d, w).")
    }

    @Test func destroyNeedsAMatchingConfirm() async throws {
        let missing = try await PetrelCLI.run(["topics:destroy", "orders"] + Self.nowhere)
        expectOneSentence(
            missing, "Destroying topic 'orders' deletes all its messages; to go ahead, run again with --confirm orders.")
        let wrong = try await PetrelCLI.run(["topics:destroy", "orders", "--confirm", "order"] + Self.nowhere)
        expectOneSentence(wrong, "--confirm 'order' does not match the topic 'orders'; run again with --confirm orders.")
    }

    @Test func compactionTakesEnableOrDisable() async throws {
        let result = try await PetrelCLI.run(["topics:compaction", "t", "maybe"] + Self.nowhere)
        expectOneSentence(result, "Compaction takes enable or disable, but got 'maybe'; run `petrel topics:compaction t enable`.")
    }

    @Test func negativeMaxLength() async throws {
        let result = try await PetrelCLI.run(["topics:tail", "t", "--max-length=-1"] + Self.nowhere)
        expectOneSentence(result, "--max-length must be 0 or more, but got -1; pass e.g. --max-length 200.")
    }

    @Test func badBootstrapFlagAndBadKafkaURL() async throws {
        let flag = try await PetrelCLI.run(["topics", "--bootstrap", "localhost"])
        expectOneSentence(flag, "--bootstrap takes host:port[,host:port], but got 'localhost'; write it like --bootstrap 127.0.0.1:9092.")
        let env = try await PetrelCLI.run(["topics"], kafkaURL: "kafka+ssl://")
        expectOneSentence(env, "KAFKA_URL is 'kafka+ssl://', which is not host:port[,host:port]; set it like KAFKA_URL=127.0.0.1:9092.")
    }

    @Test func unreachableBrokerNamesTheAddressAndTheWayOut() async throws {
        let port = try TestPorts.unused()
        let flag = try await PetrelCLI.run(["topics", "--bootstrap", "127.0.0.1:\(port)"])
        expectOneSentence(
            flag,
            "Cannot reach a Kafka broker at 127.0.0.1:\(port) (connection refused); check that a broker is running there, or fix --bootstrap.")
        let env = try await PetrelCLI.run(["topics:info", "t"], kafkaURL: "kafka+ssl://127.0.0.1:\(port)")
        expectOneSentence(
            env,
            "Cannot reach a Kafka broker at 127.0.0.1:\(port) (connection refused); check that the broker in KAFKA_URL is running, or pass --bootstrap host:port.")
    }
}

/// The commands against a cluster (the librdkafka mock: no admin APIs, so create, configs and
/// sizes show the "not supported" paths; a real broker via KAFKA_CLIENT_TEST_BOOTSTRAP).
@Suite(
    .serialized,
    .enabled(if: PetrelCLI.path != nil, "needs the petrel binary (swift build --product petrel)"),
    .enabled(if: TestCluster.isAvailable, "needs the librdkafka mock cluster venv"))
struct TopicsCommandTests {
    @Test func listWriteAndInfo() async throws {
        try await TestCluster.run(brokers: 2) { cluster, client in
            let topic = try await cluster.createTopic("cli", partitions: 3, client: client)
            let bootstrap = ["--bootstrap", cluster.bootstrap]
            let list = try await PetrelCLI.run(["topics"] + bootstrap)
            #expect(list.status == 0)
            #expect(list.stdout.split(separator: "\n").contains(Substring(topic)))

            // Like Java's partitioner: toPositive(murmur2("foobar")) = 1357151166, % 3 = 0.
            let expected: Int32 = 0
            let write = try await PetrelCLI.run(["topics:write", topic, "hello there", "--key", "foobar"] + bootstrap)
            #expect(write.stdout == "Wrote a message to \(topic) partition \(expected) at offset 0.\n")
            let pinned = try await PetrelCLI.run(["topics:write", topic, "pinned", "--partition", "1"] + bootstrap)
            #expect(pinned.stdout == "Wrote a message to \(topic) partition 1 at offset 0.\n")
            let records = try await client.fetch(topic: topic, partition: expected, offset: 0)
            #expect(records.first.map { String(buffer: $0.value ?? ByteBuffer()) } == "hello there")
            #expect(records.first.map { String(buffer: $0.key ?? ByteBuffer()) } == "foobar")

            let info = try await PetrelCLI.run(["topics:info", topic] + bootstrap)
            #expect(info.status == 0)
            let lines = info.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "Topic:        \(topic)")
            #expect(lines.contains("Partitions:   3"))
            #expect(lines.contains("Messages:     2"))
            let header = lines.firstIndex { $0.hasPrefix("PARTITION") }
            #expect(header != nil)
            if let header {
                let rows = lines[(header + 1)...].map { $0.split(separator: " ").map(String.init) }
                #expect(rows.map { $0.first } == ["0", "1", "2"])
                // END column: one message on the keyed partition, one on partition 1.
                let ends = rows.map { Int($0[5]) ?? -1 }
                var want = [0, 0, 0]
                want[Int(expected)] += 1
                want[1] += 1
                #expect(ends == want)
            }
        }
    }

    @Test func missingTopicAndPartition() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("cli-missing", partitions: 2, client: client)
            let bootstrap = ["--bootstrap", cluster.bootstrap]
            let info = try await PetrelCLI.run(["topics:info", "no-such-\(topic)"] + bootstrap)
            expectOneSentence(info, "Topic 'no-such-\(topic)' does not exist; list topics with `petrel topics`.")
            let write = try await PetrelCLI.run(["topics:write", topic, "x", "--partition", "9"] + bootstrap)
            expectOneSentence(write, "Topic '\(topic)' has no partition 9; it has 2 partitions, numbered 0 to 1.")
        }
    }

    @Test func adminCommandsOnABrokerWithoutAdminApis() async throws {
        try await TestCluster.run { cluster, client in
            guard !cluster.supportsAdmin else { return }
            let topic = try await cluster.createTopic("cli-admin", partitions: 1, client: client)
            let create = try await PetrelCLI.run(["topics:create", "new-topic", "--bootstrap", cluster.bootstrap])
            #expect(create.status != 0)
            #expect(create.errorLines.count == 1)
            #expect(create.stderr.contains("does not support CreateTopics"))
            let retention = try await PetrelCLI.run(["topics:retention-time", topic, "36h", "--bootstrap", cluster.bootstrap])
            #expect(retention.errorLines.count == 1)
            #expect(retention.stderr.contains("does not support IncrementalAlterConfigs"))
        }
    }

    @Test func tailPrintsNewMessagesFromEveryPartition() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("cli-tail", partitions: 2, client: client)
            try await client.produce(topic: topic, partition: 0, records: [ProducerRecord(key: nil, value: "old")])
            let tail = try PetrelCLI.start(["topics:tail", topic, "--max-length", "5", "--bootstrap", cluster.bootstrap])
            defer { tail.kill() }
            try await tail.waitFor("the ready line") { _, err in err.contains("Tailing \(topic) (2 partitions)") }
            try await client.produce(topic: topic, partition: 1, records: [ProducerRecord(key: "k", value: "0123456789")])
            try await client.produce(topic: topic, partition: 0, records: [ProducerRecord(key: "gone", value: nil)])
            try await tail.waitFor("two lines") { out, _ in out.split(separator: "\n").count >= 2 }
            let lines = Set(tail.stdout().split(separator: "\n").map(String.init))
            #expect(lines == ["\(topic) 1 0 10 01234", "\(topic) 0 1 0 NULL"])
        }
    }
}
