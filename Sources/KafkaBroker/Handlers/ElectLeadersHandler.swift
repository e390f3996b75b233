import Cluster
import KafkaProtocol
import LogStorage

/// ElectLeaders (key 43): preferred (0) or unclean (1) leader elections, forwarded to the
/// controller; null partitions (v1+) means every partition, and then partitions that needed no
/// election are left out of the answer (as Kafka does). Per partition: NONE,
/// ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE,
/// UNKNOWN_TOPIC_OR_PARTITION; the whole request: NOT_CONTROLLER when no controller answers.
struct ElectLeadersHandler: AsyncApiHandler {
    typealias Request = ElectLeadersRequest
    let versions: ClosedRange<Int16> = 0...2
    let topics: TopicRegistry

    func handle(_ request: ElectLeadersRequest, context: RequestContext) async -> ElectLeadersResponse {
        let requested = request.topicPartitions.map { list in
            list.flatMap { topic in topic.partitions.map { TopicPartition(topic: topic.topic, partition: $0) } }
        }
        // v0 has no election type: preferred.
        let typeCode = context.apiVersion >= 1 ? request.electionType : 0
        guard let type = LeaderElectionRequest.ElectionType(rawValue: typeCode) else {
            return Self.response(
                for: requested ?? [], error: BrokerError(.invalidRequest, "Unknown election type \(typeCode)."), version: context.apiVersion)
        }
        let outcome = await topics.electLeaders(
            LeaderElectionRequest(type: type, partitions: requested), timeoutMs: Int64(max(request.timeoutMs, 0)))
        switch outcome {
        case .failure(let error):
            return Self.response(for: requested ?? [], error: error, version: context.apiVersion)
        case .success(var results):
            if requested == nil { results = results.filter { (try? $0.value.get()) != nil || Self.code($0.value) != .electionNotNeeded } }
            var response = ElectLeadersResponse()
            for key in results.keys.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) {
                let error: BrokerError? = if case .failure(let error)? = results[key] { error } else { nil }
                Self.append(key, error: error, to: &response)
            }
            return response
        }
    }

    private static func code(_ result: Result<Int32, BrokerError>) -> ErrorCode? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    /// Every requested partition with one error, also as the top-level error (v1+).
    private static func response(for partitions: [TopicPartition], error: BrokerError, version: Int16) -> ElectLeadersResponse {
        var response = ElectLeadersResponse(errorCode: version >= 1 ? error.code.rawValue : 0)
        for key in partitions { append(key, error: error, to: &response) }
        return response
    }

    private static func append(_ key: TopicPartition, error: BrokerError?, to response: inout ElectLeadersResponse) {
        let result = ElectLeadersResponse.PartitionResult(
            partitionId: key.partition, errorCode: error?.code.rawValue ?? 0, errorMessage: error?.message)
        if let index = response.replicaElectionResults.firstIndex(where: { $0.topic == key.topic }) {
            response.replicaElectionResults[index].partitionResult.append(result)
        } else {
            response.replicaElectionResults.append(.init(topic: key.topic, partitionResult: [result]))
        }
    }
}
