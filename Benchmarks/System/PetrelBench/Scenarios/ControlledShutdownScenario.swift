import Foundation
import KafkaClient
import LocalCluster
import RdKafkaLoad

extension Bench {
    /// A 300-partition, replication-factor-3 topic puts 100 preferred leaders on each broker.
    /// SIGTERM a broker other than the controller (it asks the controller to move its
    /// leaderships, then stops) and measure, polling the other brokers' Metadata every 10 ms,
    /// until each of its partitions has a new leader, and until its process exits. Restarted,
    /// in sync and preferred leader again before the next run.
    func runControlledShutdown(_ cluster: ReplicatedCluster) {
        let topic = "bench-cluster-shutdown"
        let partitions: Int32 = 300
        var samples = Measured.Samples()
        var errors: [String] = []
        do {
            try cluster.beginScenario(topic: topic, partitions: partitions)
            defer { cluster.endScenario(topic: topic) }
            try cluster.restorePreferredLeaders(topic: topic)
            for run in 0..<plan.controlledShutdowns {
                let metadata = try cluster.metadata(topic: topic)
                guard let layout = metadata.topics[topic]?.partitions else { throw LoadError("\(topic) is missing from Metadata") }
                // The broker other than the controller that leads the most partitions.
                let candidates = cluster.state.brokers.map(\.id).filter { $0 != metadata.controllerId }
                let leads = { (id: Int32) in layout.filter { $0.leader == id }.count }
                guard let victim = candidates.max(by: { leads($0) < leads($1) }) else { throw LoadError("no broker to stop") }
                let led = Set(layout.filter { $0.leader == victim }.map(\.partition))
                let pid = try cluster.pid(of: victim)
                let survivors = cluster.state.brokers.filter { $0.id != victim }.compactMap { cluster.address(of: $0.id) }

                let stoppedAt = MonotonicClock.now()
                ProcessTable.signal(pid, SIGTERM)
                let seen = try blocking {
                    await LeaderWatch.run(survivors: survivors, topic: topic, partitions: led, broker: victim, since: stoppedAt, pid: pid)
                }
                guard let moved = seen.moved else {
                    throw LoadError("60 s after SIGTERM to broker \(victim), some of its \(led.count) partitions still had no new leader")
                }
                samples.add(.leadersMovedSeconds, moved)
                samples.add(.partitionsMoved, Double(led.count))
                if let exited = seen.exited { samples.add(.exitSeconds, exited) }
                if let unlisted = seen.unlisted { samples.add(.unlistedSeconds, unlisted) }
                if let leftIsr = seen.leftIsr { samples.add(.leftIsrSeconds, leftIsr) }
                log(
                    "controlled shutdown \(run + 1)/\(plan.controlledShutdowns): broker \(victim) led \(led.count); "
                        + "new leaders in Metadata after \(Format.seconds(moved)), out of every ISR after "
                        + "\(seen.leftIsr.map(Format.seconds) ?? "never"), process exited after "
                        + "\(seen.exited.map(Format.seconds) ?? "more than 60 s")")
                if seen.exited == nil {
                    errors.append("broker \(victim) did not exit within 60 s of SIGTERM")
                    break
                }
                try cluster.restart(victim, topic: topic)
            }
        } catch {
            errors.append("\(error)")
        }
        var measured = samples.measured
        measured.errors = errors
        record(ScenarioResult(
            id: Self.controlledShutdownID,
            title: "3 brokers, replication factor 3: controlled shutdown (SIGTERM → every partition it led has a new leader in Metadata)",
            kind: .controlledShutdown,
            settings: ["partitions": "\(partitions)", "runs": "\(plan.controlledShutdowns)", "metadata.poll.ms": "10"],
            petrel: measured, mock: nil))
    }
}
