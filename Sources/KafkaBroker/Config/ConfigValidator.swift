/// The value checks Kafka's ConfigDef validators make, with Kafka's wording so the error a client
/// sees reads like Kafka's: "Invalid value 10 for configuration segment.bytes: Value must be at least 14".
public enum ConfigValidator: Sendable, Hashable {
    case none
    /// Range.atLeast.
    case atLeast(Int64)
    /// Range.between (both ends inclusive).
    case between(Int64, Int64)
    /// ValidString.in: one of these, case-sensitive.
    case oneOf([String])
    /// ValidList.in: every element one of these (the empty list passes).
    case listOf([String])
    /// compression.gzip.level: 1...9, or -1 for zlib's default.
    case gzipLevel
    /// leader/follower.replication.throttled.replicas: "*" or partition:broker pairs.
    case throttledReplicas
    /// message.format.version: a Kafka release such as "2.8" or "3.0-IV1".
    case metadataVersion

    /// Throws if `value` (already parsed as the key's type) is not allowed.
    public func check(_ value: ConfigValue, key: String) throws(ConfigError) {
        switch self {
        case .none:
            return
        case .atLeast(let min):
            if let n = value.numeric, n < Double(min) {
                throw .invalidValue(key, value.canonical, "Value must be at least \(min)")
            }
        case .between(let min, let max):
            guard let n = value.numeric else { return }
            if n < Double(min) { throw .invalidValue(key, value.canonical, "Value must be at least \(min)") }
            if n > Double(max) { throw .invalidValue(key, value.canonical, "Value must be no more than \(max)") }
        case .oneOf(let allowed):
            let s = value.text ?? value.canonical
            if !allowed.contains(s) {
                throw .invalidValue(key, s, "String must be one of: \(allowed.joined(separator: ", "))")
            }
        case .listOf(let allowed):
            for item in value.items ?? [] where !allowed.contains(item) {
                throw .invalidValue(key, item, "String must be one of: \(allowed.joined(separator: ", "))")
            }
        case .gzipLevel:
            if let level = value.integer, level > 9 || (level < 1 && level != -1) {
                throw .invalidValue(key, value.canonical, "Value must be between 1 and 9 or equal to -1")
            }
        case .throttledReplicas:
            let items = value.items ?? []
            if items == ["*"] || items.allSatisfy(Self.isReplicaPair) { return }
            throw .invalidValue(
                key, value.canonical,
                "\(key) must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...")
        case .metadataVersion:
            let s = value.text ?? value.canonical
            if !KafkaReleaseVersions.isValid(s) {
                throw .invalidValue(key, s, "Version \(s) is not a valid version")
            }
        }
    }

    /// "partition:broker" with decimal digits on both sides, or empty (Kafka's regex allows it).
    private static func isReplicaPair(_ item: String) -> Bool {
        if item.isEmpty { return true }
        let parts = item.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// The allowed values in Kafka's "Valid Values" style, for documentation.
    public var summary: String? {
        switch self {
        case .none: nil
        case .atLeast(let min): "[\(min),...]"
        case .between(let min, let max): "[\(min),...,\(max)]"
        case .oneOf(let allowed), .listOf(let allowed): "[\(allowed.joined(separator: ", "))]"
        case .gzipLevel: "[1,...,9] or -1"
        case .throttledReplicas: "[partitionId]:[brokerId],[partitionId]:[brokerId],..."
        case .metadataVersion: "[0.8.0, ..., 3.9-IV0]"
        }
    }
}

/// The release versions Kafka 3.9's MetadataVersion knows, for the deprecated message.format.version.
enum KafkaReleaseVersions {
    /// release -> its internal versions (empty: the release has none).
    private static let releases: [(String, [String])] = [
        ("0.8.0", []), ("0.8.1", []), ("0.8.2", []), ("0.9.0", []),
        ("0.10.0", ["IV0", "IV1"]), ("0.10.1", ["IV0", "IV1", "IV2"]), ("0.10.2", ["IV0"]),
        ("0.11.0", ["IV0", "IV1", "IV2"]), ("1.0", ["IV0"]), ("1.1", ["IV0"]),
        ("2.0", ["IV0", "IV1"]), ("2.1", ["IV0", "IV1", "IV2"]), ("2.2", ["IV0", "IV1"]),
        ("2.3", ["IV0", "IV1"]), ("2.4", ["IV0", "IV1"]), ("2.5", ["IV0"]), ("2.6", ["IV0"]),
        ("2.7", ["IV0", "IV1", "IV2"]), ("2.8", ["IV0", "IV1"]), ("3.0", ["IV0", "IV1"]),
        ("3.1", ["IV0"]), ("3.2", ["IV0"]), ("3.3", ["IV0", "IV1", "IV2", "IV3"]), ("3.4", ["IV0"]),
        ("3.5", ["IV0", "IV1", "IV2"]), ("3.6", ["IV0", "IV1", "IV2"]),
        ("3.7", ["IV0", "IV1", "IV2", "IV3", "IV4"]), ("3.8", ["IV0"]), ("3.9", ["IV0"]),
    ]

    private static let known: Set<String> = {
        var all = Set<String>()
        for (release, iterations) in releases {
            all.insert(release)
            for iv in iterations { all.insert("\(release)-\(iv)") }
        }
        return all
    }()

    /// Like MetadataVersion.fromVersionString: extra patch segments are ignored ("2.8.1" is 2.8;
    /// "0.10.0.1" is 0.10.0).
    static func isValid(_ version: String) -> Bool {
        let segments = version.split(separator: ".", omittingEmptySubsequences: false)
        let keep = version.hasPrefix("0.") ? 3 : 2
        let key = segments.count <= keep ? version : segments.prefix(keep).joined(separator: ".")
        return known.contains(key)
    }
}
