import Cluster
import KafkaProtocol
import LogStorage

/// Partition reassignments and leader elections, asked of any broker (Kafka sends them to the
/// controller; here no client needs to find it). Reassignments are written into the topic's
/// assignment through the store, conditional on its version, as Kafka's ZooKeeper-mode
/// controller writes them (adding and removing replicas); the controller takes them from there
/// (Cluster's ControllerState+Reassignment). Elections go to the controller.
extension TopicRegistry {
    /// One partition's wanted move: `target` replicas, or nil to cancel the one in progress.
    public struct ReassignmentRequest: Sendable, Hashable {
        public var partition: Int32
        public var target: [Int32]?

        public init(partition: Int32, target: [Int32]?) {
            self.partition = partition
            self.target = target
        }
    }

    /// How often a reassignment is tried again after losing a race with another assignment
    /// change (another admin, or the controller completing a reassignment).
    static let reassignmentAttempts = 5

    /// Starts, replaces or cancels the reassignments of one topic's partitions. Returns the
    /// partitions refused, with Kafka's error (the others were accepted), once this broker's
    /// metadata shows the change.
    public func reassign(topic name: String, _ requests: [ReassignmentRequest]) async -> [Int32: BrokerError] {
        func all(_ error: BrokerError) -> [Int32: BrokerError] {
            Dictionary(requests.map { ($0.partition, error) }, uniquingKeysWith: { _, last in last })
        }
        let store: any MetadataStore
        do throws(BrokerError) {
            store = try await metadataStore()
        } catch {
            return all(error)
        }
        for attempt in 1...Self.reassignmentAttempts {
            let current: TopicAssignment?
            do throws(ClusterError) {
                current = try await store.topic(name, watch: nil)
            } catch {
                return all(BrokerError(error.code, error.message))
            }
            guard let current else { return all(BrokerError(.unknownTopicOrPartition, "The partition does not exist.")) }
            var assignment = current
            var refused: [Int32: BrokerError] = [:]
            for request in requests {
                if let refusal = reassignmentRefusal(request, in: assignment) {
                    refused[request.partition] = refusal
                } else if let target = request.target {
                    refused[request.partition] = nil
                    assignment.reassign(partition: request.partition, to: target)
                } else {
                    refused[request.partition] = nil
                    assignment.cancelReassignment(partition: request.partition)
                }
            }
            guard assignment != current else { return refused }
            do throws(ClusterError) {
                let stored = try await store.updateTopicAssignment(assignment)
                logger.info("partition reassignment submitted", metadata: [
                    "topic": "\(name)", "replicas": "\(stored.partitions)", "version": "\(stored.version)",
                ])
                _ = await waitFor { (self.cache.topic(named: name)?.version ?? -1) >= stored.version ? true : nil }
                return refused
            } catch {
                // Lost a race with another change of the topic: read it again and decide again.
                if error.reason == .staleVersion, attempt < Self.reassignmentAttempts { continue }
                let failure = BrokerError(error.code, error.message)
                for request in requests where refused[request.partition] == nil { refused[request.partition] = failure }
                return refused
            }
        }
        // (Not reached: the last attempt cannot continue.)
        return all(BrokerError(.unknownServerError, "The reassignment of \(name) could not be written."))
    }

    /// Kafka's checks (KafkaController.validateReplicas and maybeBuildReassignment): a target
    /// lists live brokers once each; a cancel needs a reassignment in progress.
    func reassignmentRefusal(_ request: ReassignmentRequest, in assignment: TopicAssignment) -> BrokerError? {
        guard assignment.replicas(of: request.partition) != nil else {
            return BrokerError(.unknownTopicOrPartition, "The partition does not exist.")
        }
        guard let target = request.target else {
            return assignment.isBeingReassigned(request.partition)
                ? nil : BrokerError(.noReassignmentInProgress, "No reassignment is in progress for \(assignment.name)-\(request.partition).")
        }
        if target.isEmpty {
            return BrokerError(.invalidReplicaAssignment, "Empty replica list specified in partition reassignment.")
        }
        if Set(target).count != target.count {
            return BrokerError(.invalidReplicaAssignment, "Duplicate replica ids in partition reassignment replica list: \(target)")
        }
        if target.contains(where: { $0 < 0 }) {
            return BrokerError(.invalidReplicaAssignment, "Invalid broker id in replica list: \(target)")
        }
        var moved = assignment
        moved.reassign(partition: request.partition, to: target)
        let live = Set(cache.brokers.map(\.id))
        let adding = moved.reassignment(of: request.partition)?.adding ?? []
        if !adding.allSatisfy(live.contains) {
            return BrokerError(
                .invalidReplicaAssignment,
                "Replica assignment has brokers that are not alive. Replica list: \(adding), live broker list: \(live.sorted())")
        }
        return nil
    }

    /// The partitions being reassigned now, from this broker's metadata: all of them, or those
    /// among `partitions` (unknown ones are left out, as Kafka does).
    public func ongoingReassignments(_ partitions: [TopicPartition]?) -> [(TopicPartition, replicas: [Int32], PartitionReassignment)] {
        let image = cache.image
        let wanted = partitions ?? image.allPartitions
        var seen: Set<TopicPartition> = []
        return wanted.compactMap { key in
            guard seen.insert(key).inserted, let topic = image.topics[key.topic], let moving = topic.reassignment(of: key.partition),
                let replicas = topic.replicas(of: key.partition)
            else { return nil }
            return (key, replicas, moving)
        }
    }

    /// Asks the controller for leader elections; per partition the elected leader or why not.
    /// Successful elections return once this broker's metadata shows the new leader (within
    /// `timeoutMs`; REQUEST_TIMED_OUT after that, as Kafka's DelayedElectLeader answers).
    public func electLeaders(_ request: LeaderElectionRequest, timeoutMs: Int64) async
        -> Result<[TopicPartition: Result<Int32, BrokerError>], BrokerError>
    {
        switch await cluster.node.electLeaders(request) {
        case .failure(let error):
            return .failure(BrokerError(error.code, error.message))
        case .success(let results):
            let elected = results.compactMap { key, result in (try? result.get()).map { (key, $0) } }
            let deadline = ContinuousClock.now + .milliseconds(max(timeoutMs, 0))
            while ContinuousClock.now < deadline, !elected.allSatisfy({ cache.state(of: $0.0)?.leader == $0.1 }) {
                do { try await Task.sleep(for: .milliseconds(5)) } catch { break }
            }
            var answers: [TopicPartition: Result<Int32, BrokerError>] = [:]
            for (key, result) in results {
                switch result {
                case .success(let leader) where cache.state(of: key)?.leader == leader:
                    answers[key] = .success(leader)
                case .success:
                    answers[key] = .failure(BrokerError(.requestTimedOut, "The new leader of \(key) was not seen in time."))
                case .failure(let error):
                    answers[key] = .failure(BrokerError(error.code, error.message))
                }
            }
            return .success(answers)
        }
    }
}
