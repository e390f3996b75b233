import RdKafkaLoad

extension Bench {
    static let failoverID = "cluster-failover-kill9"
    static let controlledShutdownID = "cluster-controlled-shutdown"
    /// rdkafka_mock.c keeps one copy of each partition in memory whatever the replication
    /// factor, so it has nothing to compare replication with.
    static let mockReplicationNote = "n/a: the mock keeps one in-memory copy, it does not replicate"

    /// acks=-1 produce to 32 partitions of a replication-factor-3 topic, at each record size of
    /// the single-broker matrix, with the same producer settings.
    static let clusterProduce: [ProduceScenario] = [100, 1024, 16384].map {
        ProduceScenario(recordSize: $0, acks: "-1", partitions: 32, compression: "none")
    }

    static func clusterID(_ scenario: ProduceScenario) -> String { "cluster-rf3-\(scenario.id)" }

    /// The 3-broker rows, on one cluster started for them once the single broker has stopped:
    /// replicated produce throughput, failover after kill -9 of a leader, controlled shutdown.
    func runCluster() {
        let ids = Self.clusterProduce.map(Self.clusterID) + [Self.failoverID, Self.controlledShutdownID]
        guard ids.contains(where: plan.includes) else { return }
        var settings: [String: String] = [:]
        for entry in plan.brokerSettings {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { settings[parts[0]] = parts[1] }
        }
        let described = settings.isEmpty ? "default broker settings" : "broker settings \(plan.brokerSettings.joined(separator: ", ")), the rest default"
        log("starting 3 brokers and a standalone ZooKeeper (LocalCluster), \(described)")
        let cluster: ReplicatedCluster
        do {
            cluster = try ReplicatedCluster(executable: petrelBinary, settings: settings)
        } catch {
            for id in ids where plan.includes(id) {
                record(ScenarioResult(
                    id: id, title: "3 brokers: \(id)", kind: .failover, settings: [:],
                    petrel: Measured(errors: ["the cluster did not start: \(error)"]), mock: nil))
            }
            return
        }
        defer { cluster.shutdown(keepFiles: plan.keepCluster) }
        for scenario in Self.clusterProduce where plan.includes(Self.clusterID(scenario)) {
            runProduce(
                scenario, id: Self.clusterID(scenario), title: "3 brokers, replication factor 3: \(scenario.title)", on: [cluster],
                mockNote: Self.mockReplicationNote)
        }
        if plan.includes(Self.failoverID) { runFailover(cluster) }
        if plan.includes(Self.controlledShutdownID) { runControlledShutdown(cluster) }
    }
}
