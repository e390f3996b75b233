import KafkaProtocol
#if canImport(Glibc)
import Glibc
#endif

/// DescribeLogDirs: the data directory, its capacity, and the size of every replica held in it.
struct DescribeLogDirsHandler: ApiHandler {
    typealias Request = DescribeLogDirsRequest
    let versions: ClosedRange<Int16> = 0...4
    let topics: TopicRegistry
    let dataDir: String

    func handle(_ request: DescribeLogDirsRequest, context: RequestContext) -> HandlerResult<DescribeLogDirsResponse> {
        let wanted: [(TopicState, [Int32]?)]
        if let requested = request.topics {
            wanted = requested.compactMap { t in topics.topic(named: t.topic).map { ($0, t.partitions) } }
        } else {
            wanted = topics.allTopics().map { ($0, nil) }
        }
        var dir = DescribeLogDirsResponse.DescribeLogDirsResult(errorCode: 0, logDir: dataDir, totalBytes: -1, usableBytes: -1)
        var stats = statvfs()
        if statvfs(dataDir, &stats) == 0 {
            dir.totalBytes = Int64(stats.f_blocks) * Int64(stats.f_frsize)
            dir.usableBytes = Int64(stats.f_bavail) * Int64(stats.f_frsize)
        }
        for (state, partitions) in wanted {
            // Only the replicas held here live in this broker's directory.
            let here = state.local.values.sorted { $0.index < $1.index }
            let selected = partitions.map { ids in here.filter { ids.contains($0.index) } } ?? here
            guard !selected.isEmpty else { continue }
            dir.topics.append(.init(
                name: state.metadata.name,
                partitions: selected.map { .init(partitionIndex: $0.index, partitionSize: $0.log.size, offsetLag: 0, isFutureKey: false) }))
        }
        return .respond(DescribeLogDirsResponse(errorCode: 0, results: [dir]))
    }
}
