extension BrokerConfigDefinitions {
    /// Membership, the controller and replication (Kafka's ZooKeeper-mode keys).
    static let cluster: [ConfigDefinition] = [
        broker(
            "zookeeper.connect", .string, default: nil,
            doc: "ZooKeeper ensemble holding the cluster's metadata, as host:port[,host:port...][/chroot]; unset, the broker keeps its metadata in its data directory and forms a cluster of one."),
        broker(
            "zookeeper.session.timeout.ms", .int, default: "4000", .atLeast(100),
            doc: "How long ZooKeeper waits after a broker goes silent before it counts as dead and its partitions get new leaders (Kafka: 18000; shorter here for failover within seconds)."),
        broker("broker.rack", .string, default: nil, doc: "The rack (or zone) of this broker; replicas of a partition are spread over racks."),
        broker(
            "replica.lag.time.max.ms", .long, default: "30000", .atLeast(1),
            doc: "A follower that has not caught up with its leader for this long leaves the in-sync replicas."),
        broker(
            "replica.fetch.max.bytes", .int, default: "1048576", .atLeast(1),
            doc: "Bytes a follower asks for per partition in one fetch (a larger first batch still comes whole)."),
        broker(
            "replica.fetch.response.max.bytes", .int, default: "10485760", .atLeast(1),
            doc: "Bytes a follower asks for in one fetch response."),
        broker(
            "replica.fetch.wait.max.ms", .int, default: "500", .atLeast(0),
            doc: "How long a follower's fetch waits at its leader for new data."),
        broker(
            "replica.fetch.backoff.ms", .int, default: "1000", .atLeast(0),
            doc: "How long a follower waits after a failed fetch before trying again."),
        broker(
            "leader.replication.throttled.rate", .long, default: "9223372036854775807", .atLeast(1),
            doc: "Bytes per second this broker sends, as leader, to throttled replicas that are not in sync: replicas being added by a reassignment, and those a topic lists in leader.replication.throttled.replicas for this broker. The default leaves them unthrottled."),
        broker(
            "follower.replication.throttled.rate", .long, default: "9223372036854775807", .atLeast(1),
            doc: "Bytes per second this broker fetches, as follower, for its throttled replicas that are not in sync: replicas it is being added as by a reassignment, and those a topic lists in follower.replication.throttled.replicas for this broker. The default leaves them unthrottled."),
        broker(
            "unclean.leader.election.enable", .boolean, default: "false",
            doc: "Whether a replica outside the in-sync replicas may become leader when none is left (losing acknowledged data); a topic may override it."),
        broker(
            "auto.leader.rebalance.enable", .boolean, default: "true",
            doc: "Whether the controller moves leadership back to each partition's preferred (first) replica."),
        broker(
            "leader.imbalance.check.interval.seconds", .long, default: "300", .atLeast(1),
            doc: "How often the controller checks for leadership away from preferred replicas."),
        broker(
            "leader.imbalance.per.broker.percentage", .int, default: "10", .atLeast(0),
            doc: "Share of a broker's preferred partitions led elsewhere above which leadership moves back."),
        broker(
            "controlled.shutdown.enable", .boolean, default: "true",
            doc: "Whether a stopping broker first asks the controller to move its leaderships away."),
        broker(
            "controlled.shutdown.max.retries", .int, default: "3", .atLeast(0),
            doc: "How many times a stopping broker asks again while it still leads partitions."),
        broker(
            "controlled.shutdown.retry.backoff.ms", .long, default: "500", .atLeast(0),
            doc: "The wait between those attempts."),
    ]
}
