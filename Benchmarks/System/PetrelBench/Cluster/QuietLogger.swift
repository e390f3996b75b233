import Logging

/// A logger for the benchmark's own Kafka clients: brokers killed on purpose make them log
/// connection failures, which are expected here; only critical lines pass.
func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .critical
    return logger
}
