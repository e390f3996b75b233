import ArgumentParser
import Cluster
import Foundation
import KafkaBroker
import Logging
import NIOCore
import NIOPosix

/// Starts brokers from their configs, prints the banner, and stops them cleanly (controlled
/// shutdown first) on SIGINT/SIGTERM.
enum BrokerRunner {
    /// One broker process (`petrel broker`).
    static func run(config: BrokerConfig, banner: String?) async throws {
        try await run(configs: [config], shared: nil, banner: banner)
    }

    /// Several brokers in this process sharing one embedded metadata store (`petrel dev`), or
    /// one broker (`shared` nil: ZooKeeper, or its own store in its data directory).
    static func run(configs: [BrokerConfig], shared: EmbeddedMetadataBackend?, banner: String?) async throws {
        bootstrapLogging()
        let directory = shared == nil ? nil : LocalControllerDirectory()
        var brokers: [Broker] = []
        for config in configs {
            var logger = Logger(label: "petrel.broker")
            if configs.count > 1 { logger[metadataKey: "node"] = "\(config.nodeId)" }
            let options = try options(
                for: config, cluster: config.clusterOptions(metadata: shared.map { .embedded($0) }, directory: directory))
            do {
                brokers.append(try await Broker.start(options: options, logger: logger))
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                for broker in brokers { await broker.shutdown() }
                throw CLIError("Port \(config.listenerPort) on \(config.listenerHost) is already in use; stop the other process or choose another --listen/--port.")
            }
        }
        if let banner {
            // Written straight to the descriptor: shown at once even when stdout is a file or
            // a pipe (print would leave it in the block buffer until exit).
            FileHandle.standardOutput.write(Data((banner + "\n").utf8))
        }
        await SignalWaiter.waitForTermination()
        Logger(label: "petrel.broker").info("shutting down")
        // One at a time, so each hands its leaderships to brokers that are still up.
        for broker in brokers { await broker.shutdown() }
    }

    static func options(for config: BrokerConfig, cluster: ClusterOptions) throws -> Broker.Options {
        let dataDir = config.logDirs.first ?? ".petrel"
        do {
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        } catch {
            throw CLIError("Cannot create the data directory \(dataDir): \(error.localizedDescription). Choose a writable --data-dir.")
        }
        let resolver = TopicConfigResolver(broker: config)
        return Broker.Options(
            identity: BrokerIdentity(
                nodeId: config.nodeId, host: config.advertisedHost, port: Int32(config.advertisedPort), rack: config.rack),
            listenHost: config.listenerHost, listenPort: config.listenerPort, dataDir: dataDir,
            topicDefaults: TopicDefaults(
                autoCreate: config.autoCreateTopicsEnable, partitions: config.numPartitions,
                replicationFactor: config.defaultReplicationFactor),
            maxRequestBytes: config.socketRequestMaxBytes, deleteTopicEnable: config.deleteTopicEnable,
            configPolicy: resolver,
            logConfig: { resolver.logConfig(overrides: $0) },
            extraHandlers: { registry, services in
                ConfigHandlers.register(in: &registry, services: services, broker: config, resolver: resolver)
            },
            groupCoordinator: config.groupCoordinator, transactionCoordinator: config.transactionCoordinator,
            producerExpiration: config.producerExpiration, logMaintenance: config.logMaintenance, cluster: cluster)
    }

    private static func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["PETREL_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            return handler
        }
    }
}

/// Waits for SIGINT or SIGTERM.
enum SignalWaiter {
    static func waitForTermination() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "petrel.signals")
        let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            for source in sources {
                source.setEventHandler {
                    if once.claim() { continuation.resume() }
                }
                source.resume()
            }
        }
        for source in sources { source.cancel() }
    }
}

/// True exactly once, from any thread.
final class OnceFlag: @unchecked Sendable {
    private var claimed = false
    private let lock = NSLock()

    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}
