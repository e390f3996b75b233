import Cluster
import LogStorage
import Logging
import Synchronization

/// Keeps one `ReplicaFetcher` per leader this broker follows partitions of (Kafka's
/// ReplicaFetcherManager): each metadata change moves partitions between fetchers, and a
/// fetcher left without partitions stops.
public final class ReplicaFetcherManager: Sendable {
    private let localBrokerId: Int32
    private let cache: MetadataCache
    private let settings: ReplicaFetchSettings
    /// follower.replication.throttled.rate, shared by every fetcher; nil: none.
    let throttle: ReplicationThrottle?
    private let logger: Logger
    private let fetchers = Mutex<[Int32: ReplicaFetcher]>([:])

    init(
        localBrokerId: Int32, cache: MetadataCache, settings: ReplicaFetchSettings, throttle: ReplicationThrottle? = nil, logger: Logger
    ) {
        self.localBrokerId = localBrokerId
        self.cache = cache
        self.settings = settings
        self.throttle = throttle
        self.logger = logger
    }

    /// Follows each partition from its new leader; stops fetching those now led here or gone.
    func apply(_ applied: ReplicaManager.Applied) {
        var started: [ReplicaFetcher] = []
        var stopped: [ReplicaFetcher] = []
        fetchers.withLock { fetchers in
            let moving = applied.led.map(\.topicPartition) + applied.stopped + applied.followed.map(\.partition.topicPartition)
            for key in moving {
                for fetcher in fetchers.values { fetcher.remove(key) }
            }
            for (partition, leader) in applied.followed {
                guard let leader, leader != localBrokerId else { continue }
                let fetcher: ReplicaFetcher
                if let existing = fetchers[leader] {
                    fetcher = existing
                } else {
                    fetcher = ReplicaFetcher(
                        leaderId: leader, localBrokerId: localBrokerId, cache: cache, settings: settings, throttle: throttle,
                        logger: logger)
                    fetchers[leader] = fetcher
                    started.append(fetcher)
                }
                fetcher.add(partition)
            }
            for (leader, fetcher) in fetchers where fetcher.isEmpty {
                fetchers[leader] = nil
                stopped.append(fetcher)
            }
        }
        for fetcher in started { fetcher.start() }
        for fetcher in stopped { fetcher.stop() }
    }

    func stopAll() {
        for fetcher in takeAll() { fetcher.stop() }
    }

    /// Stops every fetcher and waits for each to end (broker shutdown).
    func stopAllAndWait() async {
        for fetcher in takeAll() { await fetcher.stopAndWait() }
    }

    private func takeAll() -> [ReplicaFetcher] {
        fetchers.withLock { fetchers in
            defer { fetchers.removeAll() }
            return Array(fetchers.values)
        }
    }
}
