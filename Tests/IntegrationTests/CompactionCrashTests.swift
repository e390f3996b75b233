import Foundation
import KafkaClient
import KafkaProtocol
import NIOCore
import Testing
import TestSupport

/// The log cleaner against kill -9: a real broker process is killed while it cleans a
/// compacted topic (rate-limited, so the round is long), restarted, and the topic must still
/// hold the latest value of every key, readable from start to end.
@Suite(.serialized) struct CompactionCrashTests {
    static let topic = "table"
    static let keys = 2_000

    private func partitionDirectory(_ broker: BrokerProcess) -> String { "\(broker.dataDir)/\(Self.topic)-0" }

    private func cleanerFiles(_ broker: BrokerProcess) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: partitionDirectory(broker))) ?? [])
            .filter { $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") }
    }

    /// Every record from the log start to the high watermark, as key → last value seen
    /// (nil for a tombstone), plus how many records there were.
    private func readAll(_ client: KafkaClient) async throws -> (latest: [String: String?], records: Int) {
        var latest: [String: String?] = [:]
        var records = 0
        var offset = try await client.listOffsets(topic: Self.topic, partitions: [0], spec: .earliest)[0] ?? 0
        let end = try await client.listOffsets(topic: Self.topic, partitions: [0], spec: .latest)[0] ?? 0
        while offset < end {
            let fetched = try await client.fetchRecords(topic: Self.topic, partition: 0, offset: offset, maxWaitMs: 100)
            for record in fetched.records {
                guard let key = record.key else { continue }
                // updateValue: assigning nil through the subscript would remove the key.
                latest.updateValue(record.value.map { String(buffer: $0) }, forKey: String(buffer: key))
                records += 1
            }
            #expect(fetched.nextOffset > offset, "the log must be readable past offset \(offset)")
            guard fetched.nextOffset > offset else { break }
            offset = fetched.nextOffset
        }
        return (latest, records)
    }

    @Test func aCompactedTopicStaysCompleteAcrossKill9DuringCleaning() async throws {
        let broker = try BrokerProcess(extraArguments: [
            "--set", "log.cleaner.backoff.ms=100", "--set", "log.cleaner.io.max.bytes.per.second=3000000",
            "--set", "log.retention.check.interval.ms=1000",
        ])
        try broker.start()
        defer { broker.stop() }
        let client = try KafkaClient(bootstrap: broker.bootstrap)
        var expected: [String: String?] = [:]
        do {
            try await client.createTopic(Self.topic, partitions: 1, replicationFactor: 1, configs: [
                "cleanup.policy": "compact", "segment.bytes": "262144", "min.cleanable.dirty.ratio": "0.01",
                "delete.retention.ms": "3600000",
            ])
            // About 6 MB: three rounds over every key, one in ten keys deleted at the end.
            let padding = String(repeating: "p", count: 900)
            for round in 0..<3 {
                for chunk in stride(from: 0, to: Self.keys, by: 100) {
                    let records = (chunk..<(chunk + 100)).map { index -> ProducerRecord in
                        let key = "key-\(index)"
                        let value: String? = round == 2 && index % 10 == 0 ? nil : "round-\(round)-\(index)-\(padding)"
                        expected.updateValue(value, forKey: key)
                        return ProducerRecord(key: key, value: value)
                    }
                    try await client.produce(topic: Self.topic, partition: 0, records: records, compression: round == 1 ? .lz4 : .none)
                }
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()

        // Kill it three times while a cleaning round has files in flight.
        var kills = 0
        var earlierLogs = ""
        for attempt in 0..<3 {
            let deadline = Date().addingTimeInterval(30)
            while cleanerFiles(broker).isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            guard !cleanerFiles(broker).isEmpty else { break }
            try await Task.sleep(for: .milliseconds(400 * attempt))
            broker.kill9()
            kills += 1
            // start() truncates the log file: keep what this run wrote.
            earlierLogs += (try? String(contentsOfFile: broker.logPath, encoding: .utf8)) ?? ""
            try broker.start()
            let reader = try KafkaClient(bootstrap: broker.bootstrap)
            let (latest, _) = try await readAll(reader)
            await reader.shutdown()
            #expect(latest.count == expected.count, "after kill \(kills): \(latest.count) of \(expected.count) keys readable")
            let wrong = expected.filter { key, value in latest[key] != .some(value) }
            #expect(wrong.isEmpty, "after kill \(kills): \(wrong.count) keys lost their latest value, e.g. \(wrong.keys.sorted().prefix(3))")
        }
        #expect(kills > 0, "the cleaner never had a round in flight; log: \(broker.logTail())")

        // Left alone, the cleaner finishes: one record per key below the active segment.
        let reader = try KafkaClient(bootstrap: broker.bootstrap)
        defer { Task { await reader.shutdown() } }
        var settled = false
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let (latest, records) = try await readAll(reader)
            #expect(latest.count == expected.count)
            if records < Self.keys + 300 {
                settled = true
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(settled, "the cleaner did not finish; log: \(broker.logTail())")
        let (latest, _) = try await readAll(reader)
        #expect(expected.allSatisfy { latest[$0.key] == .some($0.value) })
        let brokerLog = earlierLogs + ((try? String(contentsOfFile: broker.logPath, encoding: .utf8)) ?? "")
        func count(_ text: String) -> Int { brokerLog.components(separatedBy: text).count - 1 }
        if ProcessInfo.processInfo.environment["PETREL_DUMP_CLEANER_LOG"] != nil { print(brokerLog.split(separator: "\n").filter { $0.contains("clean") || $0.contains("swap") }.joined(separator: "\n")) }
        print("CompactionCrashTests: \(kills) kills, \(count("cleaned log")) rounds, \(count("completed an interrupted cleaner swap")) swaps completed on load, log \(broker.logPath)")
    }
}
