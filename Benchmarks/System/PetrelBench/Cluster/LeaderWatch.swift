import KafkaClient
import LocalCluster
import RdKafkaLoad

/// What the surviving brokers' Metadata showed after a broker was killed or stopped, in
/// seconds from that moment; nil when it did not happen before the watch gave up.
struct LeaderWatchResult: Sendable {
    /// Every survivor had stopped listing the broker (its registration was gone).
    var unlisted: Double?
    /// Every survivor named a live leader other than the broker for each partition it led.
    var moved: Double?
    /// Every survivor had the broker out of the ISR of every partition of the topic (acks=-1
    /// produces to the partitions it followed no longer wait for it).
    var leftIsr: Double?
    /// The broker's process had exited (when the watch was given its pid).
    var exited: Double?
}

/// Polls Metadata for one topic at each surviving broker's own address, every `interval`, from
/// `since` (MonotonicClock) until every change is seen everywhere (and the process has exited,
/// with `pid`), or `timeout` seconds pass. A survivor that does not answer a round is asked
/// again the next.
enum LeaderWatch {
    static func run(
        survivors: [BrokerAddress], topic: String, partitions: Set<Int32>, broker: Int32, since: UInt64,
        pid: Int32? = nil, interval: Duration = .milliseconds(10), timeout: Double = 60
    ) async -> LeaderWatchResult {
        let clients = survivors.map { address in
            var configuration = KafkaClient.Configuration(bootstrap: [address], clientId: "petrel-bench-watch", maxAttempts: 1)
            configuration.connection.connectTimeout = .seconds(1)
            configuration.connection.requestTimeout = .seconds(1)
            return KafkaClient(configuration: configuration, logger: quietLogger("petrel-bench.leader-watch"))
        }
        let deadline = since + UInt64(timeout * 1e9)
        func elapsed() -> Double { MonotonicClock.seconds(MonotonicClock.now() - since) }
        let exit: Task<Double?, Never>? = pid.map { pid in
            Task { await ProcessTable.waitForExit(pid, timeout: .seconds(timeout)) ? elapsed() : nil }
        }
        var unlisted: [Double?] = Array(repeating: nil, count: clients.count)
        var moved: [Double?] = Array(repeating: nil, count: clients.count)
        var leftIsr: [Double?] = Array(repeating: nil, count: clients.count)
        func settled(_ index: Int) -> Bool { unlisted[index] != nil && moved[index] != nil && leftIsr[index] != nil }
        while MonotonicClock.now() < deadline {
            let views = await withTaskGroup(of: (Int, ClusterMetadata?).self) { group in
                for (index, client) in clients.enumerated() where !settled(index) {
                    group.addTask { (index, try? await client.refreshMetadata(topics: [topic])) }
                }
                var views: [(Int, ClusterMetadata?)] = []
                for await view in group { views.append(view) }
                return views
            }
            let now = elapsed()
            for case let (index, metadata?) in views {
                if unlisted[index] == nil, metadata.brokers[broker] == nil { unlisted[index] = now }
                if moved[index] == nil, let topicView = metadata.topics[topic],
                   partitions.allSatisfy({ p in topicView.partition(p).map { $0.leader >= 0 && $0.leader != broker } ?? false })
                {
                    moved[index] = now
                }
                if leftIsr[index] == nil, let topicView = metadata.topics[topic], !topicView.partitions.isEmpty,
                   topicView.partitions.allSatisfy({ !$0.isr.contains(broker) })
                {
                    leftIsr[index] = now
                }
            }
            if clients.indices.allSatisfy(settled) { break }
            try? await Task.sleep(for: interval)
        }
        for client in clients { await client.shutdown() }
        return LeaderWatchResult(
            unlisted: Self.latest(unlisted), moved: Self.latest(moved), leftIsr: Self.latest(leftIsr), exited: await exit?.value)
    }

    /// The time every survivor had seen it: the latest, or nil if one never did.
    private static func latest(_ times: [Double?]) -> Double? {
        let seen = times.compactMap { $0 }
        return seen.count == times.count ? seen.max() : nil
    }
}
