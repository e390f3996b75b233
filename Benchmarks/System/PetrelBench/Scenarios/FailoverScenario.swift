import Foundation
import LocalCluster
import RdKafkaLoad

/// One kill -9 of a leader, in seconds from the kill.
struct FailoverOutcome {
    var broker: Int32
    var wasController: Bool
    var partitionsLed: Int
    /// The first acks=all acknowledgement of one of its partitions by another broker.
    var firstTakeover: Double
    /// The last of its partitions to be acknowledged by another broker.
    var lastTakeover: Double
    var metadata: LeaderWatchResult
    /// Deliveries that failed for good (librdkafka retries until message.timeout.ms), and why.
    var failed: UInt64
    var firstError: String?
}

extension Bench {
    /// While a producer writes acks=all records to every partition of a 12-partition,
    /// replication-factor-3 topic, SIGKILL a broker that leads some of them; measure kill →
    /// first acknowledgement of one of its partitions by a new leader. The broker is restarted,
    /// back in sync and preferred leader again before the next kill; the victims take turns.
    func runFailover(_ cluster: ReplicatedCluster) {
        let topic = "bench-cluster-failover"
        let partitions: Int32 = 12
        var samples = Measured.Samples()
        var errors: [String] = []
        var controllerKills = 0
        var kills = 0
        do {
            try cluster.beginScenario(topic: topic, partitions: partitions)
            defer { cluster.endScenario(topic: topic) }
            try cluster.restorePreferredLeaders(topic: topic)
            let brokers = cluster.state.brokers.map(\.id)
            for kill in 0..<plan.failoverKills {
                let victim = brokers[kill % brokers.count]
                let outcome = try failover(cluster, topic: topic, partitions: partitions, victim: victim)
                kills += 1
                if outcome.wasController { controllerKills += 1 }
                samples.add(.failoverSeconds, outcome.firstTakeover)
                samples.add(.takeoverAllSeconds, outcome.lastTakeover)
                if let unlisted = outcome.metadata.unlisted { samples.add(.unlistedSeconds, unlisted) }
                if let moved = outcome.metadata.moved { samples.add(.leadersMovedSeconds, moved) }
                if let leftIsr = outcome.metadata.leftIsr { samples.add(.leftIsrSeconds, leftIsr) }
                samples.add(.partitionsMoved, Double(outcome.partitionsLed))
                if outcome.failed > 0 {
                    samples.note("\(outcome.failed) deliveries failed in kill \(kill + 1): \(outcome.firstError ?? "?")")
                }
                log(
                    "kill \(kill + 1)/\(plan.failoverKills): broker \(victim)\(outcome.wasController ? " (controller)" : "") led "
                        + "\(outcome.partitionsLed); first ack by a new leader after \(Format.seconds(outcome.firstTakeover)), "
                        + "all after \(Format.seconds(outcome.lastTakeover)); Metadata: broker gone "
                        + "\(outcome.metadata.unlisted.map(Format.seconds) ?? "never"), new leaders "
                        + "\(outcome.metadata.moved.map(Format.seconds) ?? "never"), out of every ISR "
                        + "\(outcome.metadata.leftIsr.map(Format.seconds) ?? "never")")
                try cluster.restart(victim, topic: topic)
            }
        } catch {
            errors.append("\(error)")
        }
        if controllerKills > 0 { samples.note("\(controllerKills) of \(kills) kills hit the controller") }
        var measured = samples.measured
        measured.errors = errors
        record(ScenarioResult(
            id: Self.failoverID, title: "3 brokers, replication factor 3: failover after kill -9 of a leader (kill → first acks=-1 ack by its successor)",
            kind: .failover,
            settings: [
                "partitions": "\(partitions)", "kills": "\(plan.failoverKills)", "acks": "-1",
                "rate": "100 records/s per partition", "zookeeper": "standalone",
                "broker.settings": plan.brokerSettings.isEmpty ? "defaults" : plan.brokerSettings.joined(separator: ","),
            ], petrel: measured, mock: nil))
    }

    private func failover(_ cluster: ReplicatedCluster, topic: String, partitions: Int32, victim: Int32) throws -> FailoverOutcome {
        let before = try cluster.metadata(topic: topic)
        guard let layout = before.topics[topic]?.partitions else { throw LoadError("\(topic) is missing from Metadata") }
        let led = Set(layout.filter { $0.leader == victim }.map(\.partition))
        guard !led.isEmpty else { throw LoadError("broker \(victim) leads no partition of \(topic)") }
        let pid = try cluster.pid(of: victim)
        let survivors = cluster.state.brokers.filter { $0.id != victim }.compactMap { cluster.address(of: $0.id) }
        // Quiet librdkafka: it logs every refused reconnect to the dead broker.
        let properties: RdKafkaProperties = ["acks": "all", "linger.ms": "1", "log_level": "2"].merging(plan.rdkafka) { $1 }
        let producer = try LeaderAckProducer(
            bootstrap: cluster.bootstrap, topic: topic, partitions: partitions, properties: properties, payloads: payloads(size: 1024))
        let tick = 0.01
        // Warm: every partition acknowledged, the victim's by the victim.
        let warm = try producer.run(tick: tick, timeout: 30) {
            producer.lastAckedBy.count == Int(partitions) && led.allSatisfy { producer.lastAckedBy[$0] == victim }
        }
        guard warm else { throw LoadError("the producer did not reach every partition's leader within 30 s") }

        let killedAt = MonotonicClock.now()
        ProcessTable.signal(pid, SIGKILL)
        producer.watch(led, excluding: victim)
        let watch = BlockingTask {
            await LeaderWatch.run(survivors: survivors, topic: topic, partitions: led, broker: victim, since: killedAt)
        }
        let done = try producer.run(tick: tick, timeout: 60) { producer.takenOver.count == led.count }
        let seen = try watch.value()
        guard done else {
            throw LoadError(
                "60 s after killing broker \(victim), \(led.count - producer.takenOver.count) of its \(led.count) partitions "
                    + "had no acknowledgement from another broker (failed deliveries: \(producer.failed), "
                    + "\(producer.firstError ?? "no error")); see \(cluster.directory)")
        }
        let times = producer.takenOver.values.map { MonotonicClock.seconds($0 - killedAt) }
        return FailoverOutcome(
            broker: victim, wasController: before.controllerId == victim, partitionsLed: led.count,
            firstTakeover: times.min() ?? 0, lastTakeover: times.max() ?? 0, metadata: seen, failed: producer.failed,
            firstError: producer.firstError)
    }
}
