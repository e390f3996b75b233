import Foundation
import Testing
import TestSupport

/// Issue 4's proof: three broker processes on a real ZooKeeper, a replication factor 3 topic,
/// two idempotent acks=all producers (confluent-kafka) and a consumer group running while a
/// random broker is killed with SIGKILL and started again, several times. Afterwards every
/// acknowledged value is in the log exactly once, at the offset it was acknowledged with, in
/// acknowledgement order per partition, with no gap; and the group read every one of them.
/// The same under a rolling restart (SIGTERM), which must also fail no delivery.
@Suite(.serialized) struct ClusterFaultTests {
    static let script = PythonClients.packageRoot.appendingPathComponent("Tests/IntegrationTests/Scripts/fault_workload.py").path
    static let partitions = 6
    static let kills = 4

    @Test func acknowledgedRecordsSurviveRepeatedKill9OfRandomBrokers() async throws {
        try await Self.run { brokers in
            var killed: [Int] = []
            for _ in 0..<Self.kills {
                try await Task.sleep(for: .seconds(5))
                let victim = Int.random(in: 0..<brokers.count)
                killed.append(victim + 1)
                brokers[victim].kill9()
                try await Task.sleep(for: .seconds(2))
                try brokers[victim].start()
            }
            return "brokers killed in order \(killed)"
        }
    }

    /// A rolling restart with SIGTERM: each broker hands its leaderships away first
    /// (controlled shutdown), so no delivery fails and nothing acknowledged is lost.
    @Test func aRollingRestartFailsNoDelivery() async throws {
        try await Self.run { brokers in
            for broker in brokers {
                try await Task.sleep(for: .seconds(4))
                broker.stop()
                try broker.start()
            }
            return "rolling restart of brokers 1, 2, 3"
        }
    }

    /// Starts ZooKeeper, three brokers, the topic, two producers for 40 s and a group; runs
    /// `faults` meanwhile; then checks the log against what was acknowledged.
    static func run(_ faults: ([BrokerProcess]) async throws -> String) async throws {
        try ZooKeeperProcess.requireInstalled()
        _ = try PythonClients.requirePython()
        let zookeeper = try await ZooKeeperProcess.standalone()
        defer { zookeeper.stop() }
        let brokers = try (1...3).map { id in
            try BrokerProcess(extraArguments: ["--node-id", "\(id)", "--set", "zookeeper.connect=\(zookeeper.address)/fault"])
        }
        for broker in brokers { try broker.start() }
        defer { for broker in brokers { broker.stop() } }
        let bootstrap = brokers.map(\.bootstrap).joined(separator: ",")
        let work = try TempDirectory.make(prefix: "petrel-fault-")

        let created = try PythonClients.run(script: script, arguments: ["create", bootstrap, "fault", "\(partitions)"], timeout: 90)
        try #require(created.status == 0, "create failed: \(created.output.suffix(2000)); \(logs(brokers))")

        let acks = (0..<2).map { work + "/acks-\($0)" }
        let producers = try acks.enumerated().map { index, path in
            try PythonClients.start(
                script: script, arguments: ["produce", bootstrap, "fault", path, "40", "p\(index)"],
                log: work + "/producer-\(index).log")
        }
        let seen = work + "/consumed"
        let consumer = try PythonClients.start(
            script: script, arguments: ["consume", bootstrap, "fault", "fault-group", seen], log: work + "/consumer.log")
        defer { if consumer.isRunning { kill(consumer.processIdentifier, SIGKILL) } }

        let what = try await faults(brokers)
        for (index, producer) in producers.enumerated() {
            let deadline = Date().addingTimeInterval(360)
            while producer.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            if producer.isRunning { kill(producer.processIdentifier, SIGKILL) }
            #expect(producer.terminationStatus == 0, "producer \(index): \(tail(work + "/producer-\(index).log"))")
        }
        let acknowledged = try verifyLog(bootstrap: bootstrap, acks: acks, what: what)

        // The group kept reading through the faults: it has every acknowledged value.
        let all = Set(acknowledged.values.flatMap { $0.map(\.value) })
        let deadline = Date().addingTimeInterval(60)
        var missing = all
        while Date() < deadline {
            missing = all.subtracting(lines(seen))
            if missing.isEmpty { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(missing.isEmpty, "the consumer group never read \(missing.count) acknowledged values, e.g. \(missing.sorted().prefix(3))")
        kill(consumer.processIdentifier, SIGTERM)
        print("cluster fault test: \(all.count) records acknowledged; \(what)")
    }

    /// Every acknowledged value is in the log once, at its acknowledged offset, in
    /// acknowledgement order per producer, and the log has no gap. Returns the acknowledgements
    /// per partition.
    static func verifyLog(bootstrap: String, acks: [String], what: String) throws -> [Int: [(offset: Int64, value: String)]] {
        var acknowledged: [Int: [(offset: Int64, value: String)]] = [:]
        var failed: [String] = []
        for path in acks {
            for line in lines(path) {
                let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
                if parts.first == "FAILED" { failed.append(line); continue }
                guard parts.count == 3, let partition = Int(parts[0]), let offset = Int64(parts[1]) else { continue }
                acknowledged[partition, default: []].append((offset, parts[2]))
            }
        }
        let total = acknowledged.values.map(\.count).reduce(0, +)
        #expect(failed.isEmpty, "deliveries failed (\(what)): \(failed.prefix(5))")
        #expect(total > 2_000, "only \(total) records acknowledged in 40 s (\(what))")

        let dumped = try PythonClients.run(script: script, arguments: ["dump", bootstrap, "fault", "\(partitions)"], timeout: 180)
        try #require(dumped.status == 0, "dump failed: \(dumped.output.suffix(2000))")
        var log: [Int: [(offset: Int64, value: String)]] = [:]
        for line in dumped.output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, let partition = Int(parts[0]), let offset = Int64(parts[1]) else { continue }
            log[partition, default: []].append((offset, parts[2]))
        }
        for partition in 0..<partitions {
            let records = log[partition] ?? []
            let wanted = acknowledged[partition] ?? []
            // No gap: the log holds offsets 0..<n, each once.
            #expect(records.map(\.offset) == Array(0..<Int64(records.count)), "partition \(partition) has gaps or repeats")
            var count: [String: Int] = [:]
            for record in records { count[record.value, default: 0] += 1 }
            let lost = wanted.filter { count[$0.value] == nil }
            let doubled = wanted.filter { (count[$0.value] ?? 0) > 1 }
            #expect(lost.isEmpty, "partition \(partition) lost \(lost.count) acknowledged records, e.g. \(lost.prefix(3)) (\(what))")
            #expect(doubled.isEmpty, "partition \(partition) holds \(doubled.count) acknowledged records twice, e.g. \(doubled.prefix(3))")
            let atOffset = Dictionary(records.map { ($0.offset, $0.value) }, uniquingKeysWith: { first, _ in first })
            let moved = wanted.filter { atOffset[$0.offset] != $0.value }
            #expect(moved.isEmpty, "partition \(partition): \(moved.count) records are not at their acknowledged offset, e.g. \(moved.prefix(3))")
            // Each producer's acknowledgements come in offset order.
            for producer in ["p0-", "p1-"] {
                let offsets = wanted.filter { $0.value.hasPrefix(producer) }.map(\.offset)
                #expect(offsets == offsets.sorted(), "partition \(partition): \(producer) acknowledgements out of log order")
            }
        }
        return acknowledged
    }

    static func lines(_ path: String) -> [String] {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            .split(separator: "\n").map(String.init)
    }

    static func tail(_ path: String) -> String {
        String(String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self).suffix(2000))
    }

    static func logs(_ brokers: [BrokerProcess]) -> String {
        brokers.enumerated().map { "broker \($0.offset + 1): \($0.element.logTail(1500))" }.joined(separator: "\n")
    }
}
