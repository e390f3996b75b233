import KafkaProtocol
import LogStorage

// follower.replication.throttled.rate on the fetching side (Kafka's shouldFollowerThrottle).
extension ReplicaFetcher {
    /// The partitions to fetch now, and which of them count against the follower throttle:
    /// while it is used up, throttled partitions wait for the next round.
    func applyingThrottle(_ due: [TopicPartition: Partition]) -> (fetch: [TopicPartition: Partition], throttled: Set<TopicPartition>) {
        guard let throttle else { return (due, []) }
        let throttled = Set(due.keys.filter { throttle.applies(to: $0, replica: localBrokerId) })
        guard !throttled.isEmpty else { return (due, []) }
        guard !throttle.admits() else { return (due, throttled) }
        return (due.filter { !throttled.contains($0.key) }, [])
    }

    /// Counts what the leader sent for partitions still throttled now (a long poll may answer
    /// after the replica joined the ISR: then its bytes no longer count, as on the leader).
    func recordThrottled(_ response: FetchResponse, throttled: Set<TopicPartition>) {
        guard let throttle, !throttled.isEmpty else { return }
        var bytes = 0
        for topic in response.responses {
            for data in topic.partitions {
                let key = TopicPartition(topic: topic.topic, partition: data.partitionIndex)
                guard throttled.contains(key), case .bytes(let records)? = data.records, records.readableBytes > 0,
                    throttle.applies(to: key, replica: localBrokerId)
                else { continue }
                bytes += records.readableBytes
            }
        }
        throttle.record(bytes: bytes)
    }
}
