extension BrokerConfigDefinitions {
    /// The transaction coordinator's and producer state's keys (Kafka's TransactionStateManagerConfig,
    /// TransactionLogConfig, ProducerStateManagerConfig).
    static let transactionCoordinator: [ConfigDefinition] = [
        broker(
            "transaction.state.log.num.partitions", .int, default: "50", .atLeast(1),
            doc: "Partitions of __transaction_state when it is created; fixed afterwards, since transactional ids are placed by it."),
        broker(
            "transaction.state.log.replication.factor", .short, default: "1", .atLeast(1),
            doc: "Replication factor of __transaction_state when it is created."),
        broker(
            "transaction.state.log.segment.bytes", .int, default: "104857600", .atLeast(1),
            doc: "Segment size of __transaction_state."),
        broker(
            "transaction.max.timeout.ms", .int, default: "900000", .atLeast(1),
            doc: "Longest transaction timeout a producer may ask for; longer ones get INVALID_TRANSACTION_TIMEOUT."),
        broker(
            "transactional.id.expiration.ms", .int, default: "604800000", .atLeast(1),
            doc: "How long a transactional id with no transaction running is kept after its last use."),
        broker(
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", .int, default: "10000", .atLeast(1),
            doc: "How often transactions past their timeout are looked for and aborted."),
        broker(
            "producer.id.expiration.ms", .int, default: "86400000", .atLeast(1),
            doc: "How long a partition remembers an idle idempotent producer (its epoch and last sequences)."),
        broker(
            "producer.id.expiration.check.interval.ms", .int, default: "600000", .atLeast(1),
            doc: "How often idle producers are looked for and forgotten."),
        broker(
            "transaction.remove.expired.transaction.cleanup.interval.ms", .int, default: "3600000", .atLeast(1),
            doc: "How often expired transactional ids are removed."),
    ]
}
