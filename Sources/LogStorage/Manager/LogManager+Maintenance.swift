import Dispatch
import Logging
import Synchronization

/// The background maintenance of a LogManager: the retention check and the log cleaner.
final class LogMaintenance: Sendable {
    let config: LogMaintenanceConfig
    let cleaner: LogCleaner?
    private let queue = DispatchQueue(label: "petrel.log-retention")
    /// Marks the retention queue, so `stop` called from it (the manager's last reference
    /// dropped by a retention pass) does not wait for itself.
    private let queueKey = DispatchSpecificKey<Bool>()
    private let timer: Mutex<TimerBox?> = Mutex(nil)

    /// Dispatch sources are thread-safe but not annotated Sendable.
    private final class TimerBox: @unchecked Sendable {
        let source: any DispatchSourceTimer
        init(_ source: any DispatchSourceTimer) { self.source = source }
    }

    init(config: LogMaintenanceConfig, cleaner: LogCleaner?) {
        self.config = config
        self.cleaner = cleaner
        queue.setSpecific(key: queueKey, value: true)
    }

    func start(retention: @escaping @Sendable () -> Void) {
        let interval = Int(clamping: max(config.retentionCheckIntervalMs, 10))
        let source = DispatchSource.makeTimerSource(queue: queue)
        source.schedule(deadline: .now() + .milliseconds(interval), repeating: .milliseconds(interval))
        source.setEventHandler(handler: retention)
        source.resume()
        timer.withLock { $0 = TimerBox(source) }
        cleaner?.start()
    }

    /// Stops the retention timer (a pass under way finishes) and the cleaner threads.
    func stop() {
        let box = timer.withLock { current -> TimerBox? in
            defer { current = nil }
            return current
        }
        box?.source.cancel()
        if DispatchQueue.getSpecific(key: queueKey) == nil { queue.sync {} }
        cleaner?.shutdown()
    }
}

extension LogManager {
    /// Starts retention checks every log.retention.check.interval.ms and, when enabled, the log
    /// cleaner. `closeAll` stops both before the logs close. Calling it again replaces nothing.
    public func startMaintenance(_ config: LogMaintenanceConfig) {
        let cleaner = config.cleaner.enabled
            ? LogCleaner(
                config: config.cleaner, dataDirs: dataDirs, logs: { [weak self] in self?.logsWithDirectories() ?? [:] },
                clock: clock, logger: logger)
            : nil
        let maintenance = LogMaintenance(config: config, cleaner: cleaner)
        let installed = self.maintenance.withLock { current -> Bool in
            guard current == nil else { return false }
            current = maintenance
            return true
        }
        guard installed, !logs.withLock({ $0.closed }) else { return }
        maintenance.start { [weak self] in self?.runRetention() }
        logger.info("log maintenance started", metadata: [
            "retentionCheckIntervalMs": "\(config.retentionCheckIntervalMs)", "cleaner": "\(config.cleaner.enabled)",
        ])
    }

    /// Stops retention and the cleaner (idempotent).
    public func stopMaintenance() {
        let current = maintenance.withLock { $0 }
        current?.stop()
    }

    /// The running log cleaner, if maintenance started with one.
    public var cleaner: LogCleaner? { maintenance.withLock { $0?.cleaner } }

    /// One retention pass over every log (the periodic check runs this). Returns the segments deleted.
    @discardableResult
    public func runRetention() -> Int {
        let all = logs.withLock { state in state.closed ? [] : state.entries.values.map(\.log) }
        var deleted = 0
        for log in all { deleted += log.deleteOldSegments().deletedSegments }
        return deleted
    }

    /// Every open log with its data directory.
    func logsWithDirectories() -> [TopicPartition: (log: PartitionLog, dataDir: String)] {
        logs.withLock { state in
            state.closed ? [:] : state.entries.mapValues { (log: $0.log, dataDir: $0.dir) }
        }
    }
}
