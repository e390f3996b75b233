import KafkaProtocol
import LogStorage

/// The coordinator's answers to the transaction APIs (Kafka's TransactionCoordinator.handle*).
extension TransactionCoordinator {
    /// InitProducerId with a transactional id: the producer id and a new epoch that fences
    /// every older producer of that id. `expected` is the producer a v3+ client already has.
    public func initProducerId(
        transactionalId: String, timeoutMs: Int32, expected: ProducerIdAndEpoch?
    ) async -> Result<ProducerIdAndEpoch, BrokerError> {
        guard !transactionalId.isEmpty else {
            return .failure(BrokerError(.invalidRequest, "the transactional id is empty"))
        }
        guard timeoutMs > 0, timeoutMs <= config.maxTimeoutMs else {
            return .failure(BrokerError(
                .invalidTransactionTimeout,
                "transaction timeout \(timeoutMs) ms is outside 1...\(config.maxTimeoutMs) (transaction.max.timeout.ms)"))
        }
        do {
            let decision = try await run(transactionalId) { state, now throws(BrokerError) in
                try state.initProducerId(
                    transactionalId, timeoutMs: timeoutMs, expected: expected.map { ($0.producerId, $0.epoch) }, now: now,
                    newProducerId: newProducerId)
            }
            guard decision.answer == .none, let metadata = decision.record?.metadata else {
                return .failure(BrokerError(decision.answer, "transactional id \(transactionalId) had an open transaction; it was aborted, retry"))
            }
            logger.info("initialized transactional id", metadata: [
                "transactional_id": "\(transactionalId)", "producer_id": "\(metadata.producerId)",
                "producer_epoch": "\(metadata.producerEpoch)",
            ])
            return .success(ProducerIdAndEpoch(producerId: metadata.producerId, epoch: metadata.producerEpoch))
        } catch {
            return .failure(error)
        }
    }

    /// AddPartitionsToTxn and AddOffsetsToTxn: the partitions join the open transaction (which
    /// begins if none is open). Partitions that do not exist are the handler's to refuse.
    public func addPartitions(
        transactionalId: String, producer: ProducerIdAndEpoch, partitions: Set<TopicPartition>
    ) async -> ErrorCode {
        do {
            return try await run(transactionalId) { state, now throws(BrokerError) in
                try state.addPartitions(
                    transactionalId, producerId: producer.producerId, producerEpoch: producer.epoch, partitions: partitions,
                    now: now)
            }.answer
        } catch {
            return error.code
        }
    }

    /// AddPartitionsToTxn v4+ verify_only: which partitions are in the open transaction.
    public func verifyPartitions(
        transactionalId: String, producer: ProducerIdAndEpoch, partitions: [TopicPartition]
    ) -> [TopicPartition: ErrorCode] {
        do {
            return try read(transactionalId) { state throws(BrokerError) in
                try state.verifyPartitions(
                    transactionalId, producerId: producer.producerId, producerEpoch: producer.epoch, partitions: partitions)
            }
        } catch {
            return Dictionary(uniqueKeysWithValues: partitions.map { ($0, error.code) })
        }
    }

    /// EndTxn: writes PrepareCommit or PrepareAbort, every partition's marker, then the
    /// Complete record; answered once all of it is in the logs.
    public func endTransaction(transactionalId: String, producer: ProducerIdAndEpoch, commit: Bool) async -> ErrorCode {
        do {
            let answer = try await run(transactionalId) { state, now throws(BrokerError) in
                try state.endTransaction(
                    transactionalId, producerId: producer.producerId, producerEpoch: producer.epoch, commit: commit, now: now)
            }.answer
            if answer == .none {
                logger.debug("ended transaction", metadata: ["transactional_id": "\(transactionalId)", "commit": "\(commit)"])
            }
            return answer
        } catch {
            return error.code
        }
    }

    /// DescribeTransactions for one id.
    public func describe(transactionalId: String) -> DescribeTransactionsResponse.TransactionState {
        var answer = DescribeTransactionsResponse.TransactionState(
            errorCode: 0, transactionalId: transactionalId, transactionState: "", transactionTimeoutMs: 0,
            transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1)
        guard !transactionalId.isEmpty else {
            answer.errorCode = ErrorCode.invalidRequest.rawValue
            return answer
        }
        do {
            guard let metadata = try read(transactionalId, { $0.transactions[transactionalId] }) else {
                answer.errorCode = ErrorCode.transactionalIdNotFound.rawValue
                return answer
            }
            answer.transactionState = metadata.state.name
            answer.transactionTimeoutMs = metadata.timeoutMs
            answer.transactionStartTimeMs = metadata.startMs
            answer.producerId = metadata.producerId
            answer.producerEpoch = metadata.producerEpoch
            let byTopic = Dictionary(grouping: metadata.partitions, by: \.topic)
            answer.topics = byTopic.keys.sorted().map { topic in
                .init(topic: topic, partitions: (byTopic[topic] ?? []).map(\.partition).sorted())
            }
        } catch {
            answer.errorCode = error.code.rawValue
        }
        return answer
    }

    /// ListTransactions: every transactional id matching the filters (empty filters match all;
    /// a duration keeps transactions running longer than it).
    public func list(states: [String], producerIds: [Int64], longerThanMs: Int64) -> ListTransactionsResponse {
        let known = Set(TransactionState.allCases.map(\.name))
        var response = ListTransactionsResponse(unknownStateFilters: states.filter { !known.contains($0) })
        let wantedStates = Set(states)
        let wantedProducers = Set(producerIds)
        let now = clock()
        for shard in allShards() {
            for (transactionalId, metadata) in shard.transactions.sorted(by: { $0.key < $1.key }) {
                if !wantedStates.isEmpty && !wantedStates.contains(metadata.state.name) { continue }
                if !wantedProducers.isEmpty && !wantedProducers.contains(metadata.producerId) { continue }
                if longerThanMs >= 0 && (metadata.startMs < 0 || now - metadata.startMs < longerThanMs) { continue }
                response.transactionStates.append(.init(
                    transactionalId: transactionalId, producerId: metadata.producerId, transactionState: metadata.state.name))
            }
        }
        return response
    }
}
