import ArgumentParser
import Foundation
import KafkaBroker
import Logging
import NIOCore
import NIOPosix

/// Starts a broker from its config, prints the banner, and stops cleanly on SIGINT/SIGTERM.
enum BrokerRunner {
    static func run(config: BrokerConfig, banner: String?) async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["PETREL_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            return handler
        }
        let logger = Logger(label: "petrel.broker")
        let dataDir = config.logDirs.first ?? ".petrel"
        do {
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        } catch {
            throw CLIError("Cannot create the data directory \(dataDir): \(error.localizedDescription). Choose a writable --data-dir.")
        }
        let resolver = TopicConfigResolver(broker: config)
        let options = Broker.Options(
            identity: BrokerIdentity(nodeId: config.nodeId, host: config.advertisedHost, port: Int32(config.advertisedPort)),
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
            producerExpiration: config.producerExpiration, logMaintenance: config.logMaintenance,
            cluster: config.clusterOptions())
        let broker: Broker
        do {
            broker = try await Broker.start(options: options, logger: logger)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CLIError("Port \(config.listenerPort) on \(config.listenerHost) is already in use; stop the other process or choose another --listen/--port.")
        }
        if let banner { print(banner) }
        await SignalWaiter.waitForTermination()
        logger.info("shutting down")
        await broker.shutdown()
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
