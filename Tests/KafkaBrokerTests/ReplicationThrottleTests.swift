import Cluster
import KafkaProtocol
import LogStorage
import Synchronization
import Testing

@testable import KafkaBroker

/// leader/follower.replication.throttled.rate: the byte budget, and which replicas it covers.
@Suite struct ReplicationThrottleTests {
    @Test func theBudgetHoldsOneSecondAndRefillsAtTheRate() {
        var limit = ByteRateLimit(bytesPerSecond: 1000, nowMs: 0)
        var seen: [Bool] = []
        seen.append(limit.isExceeded(nowMs: 0))
        limit.record(1500, nowMs: 0)
        seen.append(limit.isExceeded(nowMs: 0))  // overdrawn by one read
        seen.append(limit.isExceeded(nowMs: 400))  // -500 + 400
        seen.append(limit.isExceeded(nowMs: 600))  // paid back
        seen.append(limit.isExceeded(nowMs: 10_000))
        limit.record(1000, nowMs: 10_000)
        seen.append(limit.isExceeded(nowMs: 10_000))  // idle time saves at most one second's worth
        seen.append(limit.isExceeded(nowMs: 10_001))
        limit.record(2000, nowMs: 10_001)
        seen.append(limit.isExceeded(nowMs: 5_000))  // a clock going backwards refills nothing
        #expect(seen == [false, true, true, false, false, true, false, true])
    }

    @Test func throttledReplicaListsAsKafkaWritesThem() {
        #expect(ReplicationThrottle.lists("*", partition: 4, broker: 9))
        #expect(ReplicationThrottle.lists(" 0:1, 1:2 ", partition: 1, broker: 2))
        #expect(!ReplicationThrottle.lists("0:1,1:2", partition: 1, broker: 1))
        #expect(!ReplicationThrottle.lists("", partition: 0, broker: 1))
        #expect(!ReplicationThrottle.lists("0:x,junk", partition: 0, broker: 1))
    }

    static func cache(broker: Int32, isr: [Int32], configs: [String: String] = [:]) -> MetadataCache {
        var topic = TopicAssignment(name: "t", topicID: .random(), partitions: [[1], [1, 3]], version: 1)
        topic.reassign(partition: 0, to: [1, 2])
        let image = MetadataImage(
            topics: ["t": topic], configs: ["t": configs],
            partitions: [
                TopicPartition(topic: "t", partition: 0): PartitionState(leader: 1, leaderEpoch: 1, isr: isr, controllerEpoch: 1),
                TopicPartition(topic: "t", partition: 1): PartitionState(leader: 1, leaderEpoch: 1, isr: [1], controllerEpoch: 1),
            ])
        let cache = MetadataCache(localBrokerId: broker)
        cache.update(image, clusterId: "c")
        return cache
    }

    @Test func replicasBeingAddedOrListedCountWhileOutOfSync() throws {
        let p0 = TopicPartition(topic: "t", partition: 0)
        let p1 = TopicPartition(topic: "t", partition: 1)
        let made = ReplicationThrottle.make(side: .leader, bytesPerSecond: 100, cache: Self.cache(broker: 1, isr: [1]), clock: { 0 })
        let leader = try #require(made)
        #expect(leader.applies(to: p0, replica: 2), "being added, not in sync")
        #expect(!leader.applies(to: p1, replica: 3), "an ordinary follower")
        #expect(!leader.applies(to: TopicPartition(topic: "ghost", partition: 0), replica: 2))
        let madeCaughtUp = ReplicationThrottle.make(side: .leader, bytesPerSecond: 100, cache: Self.cache(broker: 1, isr: [1, 2]), clock: { 0 })
        let caughtUp = try #require(madeCaughtUp)
        #expect(!caughtUp.applies(to: p0, replica: 2), "in sync: no longer throttled")

        let madeListed = ReplicationThrottle.make(
            side: .leader, bytesPerSecond: 100,
            cache: Self.cache(broker: 1, isr: [1], configs: ["leader.replication.throttled.replicas": "1:1", "follower.replication.throttled.replicas": "1:3"]),
            clock: { 0 })
        let listed = try #require(madeListed)
        #expect(listed.applies(to: p1, replica: 3), "the topic lists partition 1 for this leader")
        let madeFollower = ReplicationThrottle.make(
            side: .follower, bytesPerSecond: 100,
            cache: Self.cache(broker: 3, isr: [1], configs: ["follower.replication.throttled.replicas": "1:3"]), clock: { 0 })
        let follower = try #require(madeFollower)
        #expect(follower.applies(to: p1, replica: 3))
        #expect(!follower.applies(to: p0, replica: 3))

        let none = ReplicationThrottle.make(side: .leader, bytesPerSecond: nil, cache: Self.cache(broker: 1, isr: [1]), clock: { 0 })
        let unlimited = ReplicationThrottle.make(side: .leader, bytesPerSecond: .max, cache: Self.cache(broker: 1, isr: [1]), clock: { 0 })
        #expect(none == nil)
        #expect(unlimited == nil)
    }

    @Test func holdsAndBytesAreCounted() throws {
        let now = Mutex<Int64>(0)
        let made = ReplicationThrottle.make(
            side: .follower, bytesPerSecond: 1000, cache: Self.cache(broker: 2, isr: [1]), clock: { now.withLock { $0 } })
        let throttle = try #require(made)
        #expect(throttle.admits())
        throttle.record(bytes: 2500)
        #expect(!throttle.admits())
        #expect(!throttle.admits())
        now.withLock { $0 = 1600 }
        #expect(throttle.admits())
        #expect(throttle.throttledBytes == 2500)
        #expect(throttle.holds == 2)
    }

    @Test func theRatesAreBrokerSettings() throws {
        let options = try BrokerConfig(properties: [
            "leader.replication.throttled.rate": "1048576", "follower.replication.throttled.rate": "2048",
        ]).clusterOptions()
        #expect(options.replicationThrottle.leaderBytesPerSecond == 1_048_576)
        #expect(options.replicationThrottle.followerBytesPerSecond == 2048)
        let defaults = try BrokerConfig(properties: [:]).clusterOptions()
        #expect(defaults.replicationThrottle.leaderBytesPerSecond == Int64.max, "Kafka's default: unlimited")
    }
}
