import KafkaProtocol
import LogStorage

/// Writes markers wherever the partitions' leaders are: those led here through the local
/// writer, the others with one WriteTxnMarkers request per leader. A partition with no leader
/// now, or whose leader does not answer, is retried by the coordinator later.
struct ClusterMarkerWriter: TransactionMarkerWriter {
    let local: LocalMarkerWriter
    let cache: MetadataCache
    let connections: InterBrokerConnections

    func writeMarkers(
        _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool, partitions: Set<TopicPartition>
    ) async -> [TopicPartition: BrokerError] {
        var failed: [TopicPartition: BrokerError] = [:]
        var byLeader: [Int32: [TopicPartition]] = [:]
        for target in partitions {
            // A topic deleted since the transaction began needs no marker (the local writer skips it too).
            guard cache.topic(named: target.topic) != nil else { continue }
            guard let leader = cache.leader(of: target) else {
                failed[target] = BrokerError(.leaderNotAvailable, "\(target) has no leader")
                continue
            }
            byLeader[leader.id, default: []].append(target)
        }
        await withTaskGroup(of: [TopicPartition: BrokerError].self) { group in
            for (leader, targets) in byLeader {
                group.addTask {
                    if leader == cache.localBrokerId {
                        return await local.writeMarkers(
                            transaction, coordinatorEpoch: coordinatorEpoch, commit: commit, partitions: Set(targets))
                    }
                    return await remote(transaction, coordinatorEpoch: coordinatorEpoch, commit: commit, targets, at: leader)
                }
            }
            for await result in group { failed.merge(result) { first, _ in first } }
        }
        return failed
    }

    private func remote(
        _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool, _ targets: [TopicPartition], at leader: Int32
    ) async -> [TopicPartition: BrokerError] {
        let request = WriteTxnMarkersRequest(markers: [.init(
            producerId: transaction.producerId, producerEpoch: transaction.epoch, transactionResult: commit,
            topics: Dictionary(grouping: targets, by: \.topic).sorted { $0.key < $1.key }.map { topic, partitions in
                .init(name: topic, partitionIndexes: partitions.map(\.partition).sorted())
            },
            coordinatorEpoch: coordinatorEpoch)])
        let response: WriteTxnMarkersResponse
        do {
            response = try await connections.send(request, to: leader)
        } catch {
            let failure = BrokerError(.brokerNotAvailable, "WriteTxnMarkers to broker \(leader) failed: \(error)")
            return Dictionary(targets.map { ($0, failure) }, uniquingKeysWith: { first, _ in first })
        }
        var failed: [TopicPartition: BrokerError] = [:]
        var answered = Set<TopicPartition>()
        for marker in response.markers {
            for topic in marker.topics {
                for partition in topic.partitions {
                    let key = TopicPartition(topic: topic.name, partition: partition.partitionIndex)
                    answered.insert(key)
                    // The topic may be gone by now: no marker needed, as for the local writer.
                    let code = ErrorCode(partition.errorCode)
                    if code != .none && code != .unknownTopicOrPartition {
                        failed[key] = BrokerError(code, "broker \(leader) could not write the marker in \(key)")
                    }
                }
            }
        }
        for target in targets where !answered.contains(target) {
            failed[target] = BrokerError(.unknownServerError, "broker \(leader) did not answer for \(target)")
        }
        return failed
    }
}
