import LogStorage

/// The retention check and log cleaner settings (log.retention.check.interval.ms, log.cleaner.*).
extension BrokerConfig {
    public var logMaintenance: LogMaintenanceConfig {
        var cleaner = LogCleanerConfig()
        let threads = Int(clamping: int("log.cleaner.threads") ?? 1)
        cleaner.enabled = (bool("log.cleaner.enable") ?? true) && threads > 0
        cleaner.threads = max(threads, 1)
        cleaner.backoffMs = logCleanerBackoffMs
        cleaner.dedupeBufferSize = Int(clamping: int("log.cleaner.dedupe.buffer.size") ?? 134_217_728)
        cleaner.ioBufferSize = Int(clamping: int("log.cleaner.io.buffer.size") ?? 524_288)
        cleaner.dedupeLoadFactor = value("log.cleaner.io.buffer.load.factor")?.numeric ?? 0.9
        cleaner.maxIOBytesPerSecond = value("log.cleaner.io.max.bytes.per.second")?.numeric ?? .greatestFiniteMagnitude
        return LogMaintenanceConfig(retentionCheckIntervalMs: logRetentionCheckIntervalMs, cleaner: cleaner)
    }
}
