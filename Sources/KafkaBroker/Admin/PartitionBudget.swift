import Foundation
import KafkaProtocol

/// How many partitions admin requests may add. Kafka refuses more than 10,000 new partitions in
/// one request (KAFKA-17870). Each partition also holds at least one open file, so partitions may
/// use only part of the process's descriptor limit: the rest stays for connections and segment
/// rolls, and a flood of partitions can never stop the broker accepting clients.
struct PartitionBudget: Sendable {
    static let maxPartitionsPerRequest = 10_000
    /// The share of the descriptor limit that open partition files may reach.
    static let descriptorShare = 0.75

    /// The descriptor limit and the count open now (nil where unknown); tests pass their own.
    var descriptorLimit: @Sendable () -> Int? = { FileDescriptorLimit.current }
    var openDescriptors: @Sendable () -> Int? = { FileDescriptorLimit.openCount }

    /// POLICY_VIOLATION when one request adds more partitions than Kafka allows.
    static func requestLimitProblem(_ count: Int) -> BrokerError? {
        guard count > maxPartitionsPerRequest else { return nil }
        return BrokerError(
            .policyViolation,
            "Excessively large number of partitions per request: \(count) requested, limit \(maxPartitionsPerRequest).")
    }

    /// Throws POLICY_VIOLATION when `count` new partitions are more than one request may add or
    /// than the descriptor limit leaves room for.
    func check(adding count: Int) throws(BrokerError) {
        if let problem = Self.requestLimitProblem(count) { throw problem }
        guard let limit = descriptorLimit(), let open = openDescriptors() else { return }
        let allowed = Int(Double(limit) * Self.descriptorShare)
        if open + count > allowed {
            throw BrokerError(
                .policyViolation,
                "Adding \(count) partitions would leave this broker short of file descriptors (\(open) of \(limit) open; partitions may use \(allowed)). Raise the broker's open-file limit (ulimit -n) or delete unused topics.")
        }
    }
}

/// The process's open-file limit, which Linux distributions set low for the soft limit.
enum FileDescriptorLimit {
    /// Raises the soft limit to the hard one, as Kafka's service files do with LimitNOFILE.
    @discardableResult
    static func raiseToHardLimit() -> Int? {
        var limits = rlimit()
        guard getrlimit(resourceNoFile, &limits) == 0 else { return nil }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(resourceNoFile, &raised) == 0 { limits = raised }
        }
        return Int(clamping: limits.rlim_cur)
    }

    static var current: Int? {
        var limits = rlimit()
        guard getrlimit(resourceNoFile, &limits) == 0 else { return nil }
        return Int(clamping: limits.rlim_cur)
    }

    /// Descriptors open now (Linux: entries of /proc/self/fd); nil where that is unknown.
    static var openCount: Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map(\.count)
    }

    #if os(Linux)
    private static let resourceNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resourceNoFile = RLIMIT_NOFILE
    #endif
}
