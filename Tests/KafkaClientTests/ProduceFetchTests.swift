import KafkaClient
import KafkaProtocol
import NIOCore
import Testing

/// Produce and fetch through the client against a cluster (the librdkafka mock by default).
@Suite(.serialized, .enabled(if: TestCluster.isAvailable, "needs the librdkafka mock cluster venv"))
struct ProduceFetchTests {
    static func string(_ buffer: ByteBuffer?) -> String? {
        buffer.map { String(buffer: $0) }
    }

    /// Everything from `offset` to the high watermark; brokers may answer one batch per fetch.
    static func readAll(_ client: KafkaClient, _ topic: String, partition: Int32 = 0, from offset: Int64 = 0)
        async throws -> [ConsumedRecord]
    {
        var out: [ConsumedRecord] = []
        var next = offset
        while true {
            let fetched = try await client.fetchRecords(topic: topic, partition: partition, offset: next, maxWaitMs: 50)
            out += fetched.records
            if fetched.nextOffset >= fetched.highWatermark || fetched.nextOffset == next { return out }
            next = fetched.nextOffset
        }
    }

    @Test func recordsComeBackWithKeysValuesHeadersAndOffsets() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("roundtrip", partitions: 1, client: client)
            let sent = [
                ProducerRecord(key: "k1", value: "first", headers: [("trace", "abc"), ("empty", nil)], timestamp: 1_700_000_000_000),
                ProducerRecord(key: nil, value: "no key", timestamp: 1_700_000_000_500),
                ProducerRecord(key: "tombstone", value: nil, timestamp: 1_700_000_001_000),
            ]
            let base = try await client.produce(topic: topic, partition: 0, records: sent)
            #expect(base == 0)
            let next = try await client.produce(topic: topic, partition: 0, records: [ProducerRecord(key: nil, value: "later")])
            #expect(next == 3)

            let records = try await Self.readAll(client, topic)
            #expect(records.map(\.offset) == [0, 1, 2, 3])
            #expect(records.map { Self.string($0.key) } == ["k1", nil, "tombstone", nil])
            #expect(records.map { Self.string($0.value) } == ["first", "no key", nil, "later"])
            #expect(records.prefix(3).map(\.timestamp) == [1_700_000_000_000, 1_700_000_000_500, 1_700_000_001_000])
            #expect(records.allSatisfy { $0.partition == 0 && $0.timestampType == .createTime })
            let headers = records[0].headers
            #expect(headers.map(\.keyString) == ["trace", "empty"])
            #expect(headers.map { Self.string($0.value) } == ["abc", nil])
            #expect(records[1].headers.isEmpty)
        }
    }

    @Test func fetchFromTheMiddleOfABatchDropsTheEarlierRecords() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("middle", partitions: 1, client: client)
            let batch = (0..<5).map { ProducerRecord(key: nil, value: "v\($0)") }
            try await client.produce(topic: topic, partition: 0, records: batch)
            let fetched = try await client.fetchRecords(topic: topic, partition: 0, offset: 2)
            #expect(fetched.records.map(\.offset) == [2, 3, 4])
            #expect(fetched.records.map { Self.string($0.value) } == ["v2", "v3", "v4"])
            #expect(fetched.nextOffset == 5)
            #expect(fetched.highWatermark == 5)
            let atEnd = try await client.fetchRecords(topic: topic, partition: 0, offset: 5, maxWaitMs: 50)
            #expect(atEnd.records.isEmpty)
            #expect(atEnd.nextOffset == 5)
        }
    }

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func compressedBatchesRoundTrip(codec: CompressionCodec) async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("codec-\(codec.name)", partitions: 1, client: client)
            // Repetitive values so every codec actually shrinks them.
            let sent = (0..<200).map { i in
                ProducerRecord(key: "key-\(i % 7)", value: String(repeating: "value \(i) ", count: 20), headers: [("n", "\(i)")])
            }
            try await client.produce(topic: topic, partition: 0, records: sent, compression: codec)
            let records = try await Self.readAll(client, topic)
            #expect(records.count == 200)
            #expect(records.map(\.offset) == Array(0..<200))
            #expect(records.map { Self.string($0.value) } == sent.map { Self.string($0.value) })
            #expect(records.map { Self.string($0.key) } == sent.map { Self.string($0.key) })
            #expect(records.map { $0.headers.first.flatMap { Self.string($0.value) } } == (0..<200).map { "\($0)" })
        }
    }

    @Test func keyedRecordsLandWhereJavasPartitionerPutsThem() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("keyed", partitions: 4, client: client)
            // toPositive(murmur2("foobar")) = 1357151166, and 1357151166 % 4 = 2.
            #expect(try await client.choosePartition(topic: topic, key: ByteBuffer(string: "foobar")) == 2)
            try await client.produce(topic: topic, records: [ProducerRecord(key: "foobar", value: "x")])
            let ends = try await client.listOffsets(topic: topic, spec: .latest)
            #expect(ends == [0: 0, 1: 0, 2: 1, 3: 0])
            let records = try await client.fetch(topic: topic, partition: 2, offset: 0)
            #expect(records.map { Self.string($0.value) } == ["x"])
        }
    }

    @Test func keylessCallsGoRoundRobinAndMixedCallsSplitByKey() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("spread", partitions: 4, client: client)
            for i in 0..<8 {
                try await client.produce(topic: topic, records: [ProducerRecord(key: nil, value: "m\(i)")])
            }
            #expect(try await client.listOffsets(topic: topic, spec: .latest) == [0: 2, 1: 2, 2: 2, 3: 2])

            // One call, keys for partitions 2 and (toPositive(murmur2("21")) % 4) plus keyless ones.
            let partitionOf21 = try await client.choosePartition(topic: topic, key: ByteBuffer(string: "21"))
            let base = try await client.produce(topic: topic, records: [
                ProducerRecord(key: "foobar", value: "a"), ProducerRecord(key: "21", value: "b"),
                ProducerRecord(key: "foobar", value: "c"),
            ])
            #expect(base == 2)
            let onTwo = try await client.fetch(topic: topic, partition: 2, offset: 2)
            let expectedOnTwo = partitionOf21 == 2 ? ["a", "b", "c"] : ["a", "c"]
            #expect(onTwo.map { Self.string($0.value) ?? "" } == expectedOnTwo)
        }
    }

    @Test func listOffsetsReportsEarliestLatestAndTimestamps() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("offsets", partitions: 2, client: client)
            #expect(try await client.listOffsets(topic: topic, spec: .earliest) == [0: 0, 1: 0])
            #expect(try await client.listOffsets(topic: topic, spec: .latest) == [0: 0, 1: 0])
            try await client.produce(topic: topic, partition: 1, records: (0..<3).map { ProducerRecord(key: nil, value: "\($0)") })
            #expect(try await client.listOffsets(topic: topic, partitions: [1], spec: .latest) == [1: 3])
            #expect(try await client.listOffsets(topic: topic, spec: .earliest) == [0: 0, 1: 0])
        }
    }

    @Test func consumeFollowsThePartitionFromTheEnd() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("follow", partitions: 1, client: client)
            try await client.produce(topic: topic, partition: 0, records: [ProducerRecord(key: nil, value: "before")])
            let start = try await client.listOffsets(topic: topic, spec: .latest)[0] ?? -1
            #expect(start == 1)
            let reader = Task {
                var seen: [String] = []
                for try await record in client.consume(topic: topic, partition: 0, from: .offset(start), maxWaitMs: 100) {
                    seen.append("\(record.offset):\(Self.string(record.value) ?? "NULL")")
                    if seen.count == 3 { break }
                }
                return seen
            }
            for value in ["one", "two", "three"] {
                try await Task.sleep(for: .milliseconds(30))
                try await client.produce(topic: topic, partition: 0, records: [ProducerRecord(key: nil, value: value)])
            }
            let seen = try await reader.value
            #expect(seen == ["1:one", "2:two", "3:three"])
        }
    }

    @Test func consumeFromEarliestReadsEverythingThere() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("earliest", partitions: 1, client: client)
            try await client.produce(topic: topic, partition: 0, records: (0..<10).map { ProducerRecord(key: nil, value: "\($0)") })
            var offsets: [Int64] = []
            for try await record in client.consume(topic: topic, partition: 0, from: .earliest, maxWaitMs: 50) {
                offsets.append(record.offset)
                if offsets.count == 10 { break }
            }
            #expect(offsets == Array(0..<10))
        }
    }
}
