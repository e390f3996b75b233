import Foundation
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import NIOEmbedded
import TestSupport

@testable import KafkaBroker

/// Full broker services without a listener over a temp data dir: the cluster metadata lives in
/// the embedded store of that dir and this broker is its own controller. Requests run on a
/// testing event loop, so handlers are tested without sockets. Restarts reopen the same dir,
/// cleanly or as after kill -9.
final class BrokerFixture {
    /// Silent, unless PETREL_TEST_LOG names a level (debug, info, ...): then to stderr.
    static let logger: Logger = {
        guard let level = ProcessInfo.processInfo.environment["PETREL_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) else {
            return Logger(label: "broker-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        var logger = Logger(label: "broker-tests", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        return logger
    }()
    let dataDir: String
    private(set) var options: Broker.Options
    private(set) var services: BrokerServices
    let clock: @Sendable () -> Int64
    let loop = NIOAsyncTestingEventLoop()
    /// Services of "killed" incarnations: never closed while the test runs (see `crash`).
    private var abandoned: [BrokerServices] = []

    private init(dataDir: String, options: Broker.Options, services: BrokerServices, clock: @escaping @Sendable () -> Int64) {
        self.dataDir = dataDir
        self.options = options
        self.services = services
        self.clock = clock
    }

    /// Starts services on a fresh dir. The internal topics get few partitions (fast to create
    /// and load), the log cleaner is off (tests run it by hand), and a stop skips controlled
    /// shutdown (a lone broker has nobody to hand leadership to).
    static func make(
        properties: [String: String] = [:], identity: BrokerIdentity = BrokerIdentity(nodeId: 1, host: "127.0.0.1", port: 9092),
        clock: @escaping @Sendable () -> Int64 = WallClock.nowMs, configure: (inout Broker.Options) -> Void = { _ in }
    ) async throws -> BrokerFixture {
        let dataDir = try TempDirectory.make(prefix: "petrel-broker-test-")
        let resolver = TopicConfigResolver(broker: try BrokerConfig(properties: properties))
        var groups = GroupCoordinatorConfig()
        groups.offsetsTopicPartitions = 5
        var transactions = TransactionCoordinatorConfig()
        transactions.logPartitions = 5
        var maintenance = LogMaintenanceConfig()
        maintenance.cleaner.enabled = false
        var options = Broker.Options(
            identity: identity, listenHost: "127.0.0.1", listenPort: 0, dataDir: dataDir,
            topicDefaults: TopicDefaults(autoCreate: true, partitions: 1, replicationFactor: 1),
            configPolicy: resolver, logConfig: { resolver.logConfig(overrides: $0) }, groupCoordinator: groups,
            transactionCoordinator: transactions, logMaintenance: maintenance, cluster: ClusterOptions(controlledShutdown: false))
        configure(&options)
        let services = try await BrokerServices(options: options, logger: logger, clock: clock)
        return BrokerFixture(dataDir: dataDir, options: options, services: services, clock: clock)
    }

    deinit {
        Self.tearDown(services: services, abandoned: abandoned, loop: loop, dataDir: dataDir)
    }

    /// Stops the broker in the background (a deinit cannot wait), then removes the dir.
    private static func tearDown(services: BrokerServices, abandoned: [BrokerServices], loop: NIOAsyncTestingEventLoop, dataDir: String) {
        Task.detached {
            await stop(services)
            // The killed incarnations' logs close only now, after the test looked at the dir.
            for old in abandoned { old.close() }
            await loop.shutdownGracefully()
            try? FileManager.default.removeItem(atPath: dataDir)
        }
    }

    var topics: TopicRegistry { services.topics }

    /// A clean stop, as `Broker.shutdown` does it: leave the cluster, then close every log.
    static func stop(_ services: BrokerServices) async {
        await services.cluster.stop()
        services.close()
    }

    /// kill -9, as far as one process can play it: whatever could still write stops, but no
    /// log is closed, so no checkpoint or clean-shutdown marker is written and the next start
    /// recovers the logs. The admin thread goes first (queued role changes finish; no later one
    /// opens or creates a log), then cluster membership (a dead broker's metadata session ends,
    /// taking its registration and controllership; no controlled shutdown), then the timers
    /// and background tasks. The old objects stay alive, files open, until teardown.
    private func crash(_ old: BrokerServices) async {
        old.internalTopics.stop()
        old.admin.close()
        await old.cluster.stop()
        old.cluster.stopIsrMaintenance()
        old.transactionCoordinator.stop()
        old.groupCoordinator.shutdown()
        old.logManager.stopMaintenance()
        abandoned.append(old)
    }

    /// Stops and starts again on the same dir: cleanly, or as after kill -9 (`crash`).
    /// `whileStopped` runs in between (to change the files as an operator or a crash could).
    func restart(
        clean: Bool, configure: (inout Broker.Options) -> Void = { _ in }, whileStopped: () throws -> Void = {}
    ) async throws {
        if clean {
            await Self.stop(services)
        } else {
            await crash(services)
        }
        try whileStopped()
        configure(&options)
        services = try await BrokerServices(options: options, logger: Self.logger, clock: clock)
    }

    // MARK: waiting for the cluster

    /// Polls `condition` until it gives a value; fails the test after `timeout`, naming `what`.
    @discardableResult
    static func waitFor<T>(_ what: String, timeout: Duration = .seconds(10), _ condition: () throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try condition() { return value }
            guard ContinuousClock.now < deadline else { throw TestFailure("timed out after \(timeout) waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// This broker's replica of the partition once it leads it (the role follows the metadata
    /// shortly after the cache shows the leader).
    @discardableResult
    func waitForLeader(topic: String, partition: Int32) async throws -> Partition {
        let topics = self.topics
        return try await Self.waitFor("broker \(topics.localBrokerId) to lead \(topic)-\(partition)") {
            try? topics.leader(topic: topic, index: partition).get()
        }
    }

    /// Creates a topic and waits until this broker leads every partition of it.
    @discardableResult
    func createTopic(
        name: String, partitions: Int32, replicationFactor: Int16 = 1, configs: [String: String] = [:]
    ) async throws -> TopicState {
        try await topics.createTopic(name: name, partitions: partitions, replicationFactor: replicationFactor, configs: configs)
        for index in 0..<partitions { try await waitForLeader(topic: name, partition: index) }
        let topics = self.topics
        return try await Self.waitFor("the local replicas of \(name)") {
            topics.topic(named: name).flatMap { $0.local.count == Int(partitions) ? $0 : nil }
        }
    }

    /// Waits until the internal topics exist (created in the background at start) and every
    /// partition's coordinator shard is installed: loaded, or failed to load.
    func waitForCoordinators() async throws {
        let groups = services.groupCoordinator
        let transactions = services.transactionCoordinator
        let topics = self.topics
        try await Self.waitFor("every __consumer_offsets shard", timeout: .seconds(30)) {
            topics.topic(named: GroupCoordinatorConfig.topicName) != nil
                && (0..<groups.partitionCount).allSatisfy { groups.shards.shard($0) != nil } ? true : nil
        }
        try await Self.waitFor("every __transaction_state shard", timeout: .seconds(30)) {
            topics.topic(named: TransactionCoordinatorConfig.topicName) != nil
                && (0..<transactions.partitionCount).allSatisfy { transactions.shards.shard($0) != nil } ? true : nil
        }
    }

    // MARK: requests

    func context(_ key: ApiKey, version: Int16, zeroCopy: Bool = false) -> RequestContext {
        RequestContext(
            header: RequestHeader(requestApiKey: key.rawValue, requestApiVersion: version, correlationId: 1, clientId: "test"),
            apiKey: key, eventLoop: loop, allocator: ByteBufferAllocator(), clientAddress: "test", zeroCopy: zeroCopy,
            logger: Self.logger)
    }

    /// Runs `handler` on the fixture's event loop, as the server does.
    func handle<H: ApiHandler>(
        _ handler: H, _ request: H.Request, version: Int16, zeroCopy: Bool = false
    ) async throws -> HandlerResult<H.Request.Response> {
        let context = context(ApiKey(rawValue: H.Request.apiKey) ?? .apiVersions, version: version, zeroCopy: zeroCopy)
        return try await loop.executeInContext { handler.handle(request, context: context) }
    }

    /// Runs an async handler as the server does (a task; the answer is the response).
    func handle<H: AsyncApiHandler>(_ handler: H, _ request: H.Request, version: Int16) async -> H.Request.Response {
        let context = context(ApiKey(rawValue: H.Request.apiKey) ?? .apiVersions, version: version)
        return await handler.handle(request, context: context)
    }

    /// The response, whether given at once or later (acks=-1, a parked fetch): the loop runs
    /// until a later one is ready.
    func response<H: ApiHandler>(
        _ handler: H, _ request: H.Request, version: Int16, zeroCopy: Bool = false
    ) async throws -> H.Request.Response? {
        switch try await handle(handler, request, version: version, zeroCopy: zeroCopy) {
        case .respond(let response):
            return response
        case .later(let future):
            let done = Box<H.Request.Response?>(nil)
            try await loop.executeInContext { future.whenSuccess { done.value = $0 } }
            await loop.run()
            return done.value
        case .noResponse:
            return nil
        }
    }

    static func batch(_ values: [String], compression: CompressionCodec = .none, timestamp: Int64 = 1_700_000_000_000) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(compression: compression)
        for (i, v) in values.enumerated() { builder.append(key: "k\(i)", value: v, timestamp: timestamp + Int64(i)) }
        return try builder.build()
    }
}

extension HandlerResult {
    var immediate: Response? {
        if case .respond(let r) = self { return r }
        return nil
    }
}

final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
