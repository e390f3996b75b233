import KafkaProtocol

/// Which handler serves which API.
extension BrokerServices {
    func registerCoreHandlers(in registry: inout ApiRegistry) {
        registry.register(MetadataHandler(topics: topics, defaults: topicDefaults))
        registry.register(ProduceHandler(topics: topics, metrics: metrics, clock: clock))
        registry.register(FetchHandler(
            topics: topics, sessions: fetchSessions, metrics: metrics, cluster: cluster, leaderThrottle: leaderThrottle))
        registry.register(ListOffsetsHandler(topics: topics))
        registry.register(CreateTopicsHandler(topics: topics, defaults: topicDefaults, configPolicy: configPolicy))
        registry.register(DeleteTopicsHandler(topics: topics, deletionEnabled: deleteTopicEnable))
        registry.register(CreatePartitionsHandler(topics: topics))
        registry.register(AlterPartitionReassignmentsHandler(topics: topics))
        registry.register(ListPartitionReassignmentsHandler(topics: topics))
        registry.register(ElectLeadersHandler(topics: topics))
        registry.register(DescribeClusterHandler(topics: topics))
        registry.register(AlterPartitionHandler(cluster: cluster))
        registry.register(ControlledShutdownHandler(cluster: cluster))
        registry.register(OffsetForLeaderEpochHandler(topics: topics))
        registry.register(OffloadedHandler(DeleteRecordsHandler(topics: topics), on: admin))
        registry.register(DescribeLogDirsHandler(topics: topics, dataDir: dataDir))
        registry.register(InitProducerIdHandler(producerIds: producerIds, transactions: transactionCoordinator))
        registry.register(FindCoordinatorHandler(topics: topics, groups: groupCoordinator, transactions: transactionCoordinator))
        registry.register(OffsetCommitHandler(topics: topics, groups: groupCoordinator))
        registry.register(OffsetFetchHandler(groups: groupCoordinator))
        registerGroupHandlers(in: &registry)
        registerTransactionHandlers(in: &registry)
    }

    private func registerGroupHandlers(in registry: inout ApiRegistry) {
        registry.register(JoinGroupHandler(groups: groupCoordinator))
        registry.register(SyncGroupHandler(groups: groupCoordinator))
        registry.register(HeartbeatHandler(groups: groupCoordinator))
        registry.register(LeaveGroupHandler(groups: groupCoordinator))
        registry.register(ListGroupsHandler(groups: groupCoordinator))
        registry.register(DescribeGroupsHandler(groups: groupCoordinator))
        registry.register(DeleteGroupsHandler(groups: groupCoordinator))
        registry.register(OffsetDeleteHandler(groups: groupCoordinator))
        registry.register(ConsumerGroupHeartbeatHandler(groups: groupCoordinator))
        registry.register(ConsumerGroupDescribeHandler(groups: groupCoordinator))
    }

    private func registerTransactionHandlers(in registry: inout ApiRegistry) {
        registry.register(AddPartitionsToTxnHandler(topics: topics, transactions: transactionCoordinator))
        registry.register(AddOffsetsToTxnHandler(groups: groupCoordinator, transactions: transactionCoordinator))
        registry.register(EndTxnHandler(transactions: transactionCoordinator))
        registry.register(TxnOffsetCommitHandler(topics: topics, groups: groupCoordinator))
        registry.register(DescribeTransactionsHandler(transactions: transactionCoordinator))
        registry.register(ListTransactionsHandler(transactions: transactionCoordinator))
        registry.register(DescribeProducersHandler(topics: topics))
        registry.register(WriteTxnMarkersHandler(
            writer: LocalMarkerWriter(topics: topics, groups: groupCoordinator, clock: clock)))
    }
}
