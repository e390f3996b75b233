/// A config value parsed by its type, following Kafka's ConfigDef.parseType: strings are trimmed,
/// numbers are plain decimal, booleans are true/false in any case, lists split on commas.
public enum ConfigValue: Sendable, Hashable {
    case boolean(Bool)
    case int(Int32)
    case short(Int16)
    case long(Int64)
    case double(Double)
    case string(String)
    case list([String])
    case password(String)
    case className(String)

    /// Parses `raw` as `type`; the error names the key and what the type allows.
    public static func parse(_ raw: String, as type: ConfigType, key: String) throws(ConfigError) -> ConfigValue {
        let trimmed = raw.trimmingASCIIWhitespace()
        func notANumber() -> ConfigError {
            .invalidValue(key, raw, "Not a number of type \(type.kafkaName)")
        }
        switch type {
        case .boolean:
            switch trimmed.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw .invalidValue(key, raw, "Expected value to be either true or false")
            }
        case .int:
            guard let v = Int32(trimmed) else { throw notANumber() }
            return .int(v)
        case .short:
            guard let v = Int16(trimmed) else { throw notANumber() }
            return .short(v)
        case .long:
            guard let v = Int64(trimmed) else { throw notANumber() }
            return .long(v)
        case .double:
            // Java also takes "NaN" and "Infinity"; no config here has a use for them.
            guard let v = Double(trimmed), v.isFinite else { throw notANumber() }
            return .double(v)
        case .list:
            return .list(Self.splitList(trimmed))
        case .password:
            return .password(trimmed)
        case .classType:
            return .className(trimmed)
        case .string, .unknown:
            return .string(trimmed)
        }
    }

    /// Kafka's list syntax: empty means no elements, else split on commas with the whitespace
    /// around them dropped (empty elements are kept, so validators can reject them).
    static func splitList(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        return text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingASCIIWhitespace() }
    }

    /// The value as DescribeConfigs reports it (ConfigDef.convertToString).
    public var canonical: String {
        switch self {
        case .boolean(let v): v ? "true" : "false"
        case .int(let v): String(v)
        case .short(let v): String(v)
        case .long(let v): String(v)
        case .double(let v): String(v)
        case .string(let v), .password(let v), .className(let v): v
        case .list(let v): v.joined(separator: ",")
        }
    }

    /// Integer kinds widened, for range checks and unit conversion.
    public var integer: Int64? {
        switch self {
        case .int(let v): Int64(v)
        case .short(let v): Int64(v)
        case .long(let v): v
        default: nil
        }
    }

    /// Any numeric kind as a Double, for range checks (Kafka compares doubleValue()).
    var numeric: Double? {
        if case .double(let v) = self { return v }
        return integer.map(Double.init)
    }

    public var bool: Bool? {
        if case .boolean(let v) = self { return v }
        return nil
    }

    public var text: String? {
        switch self {
        case .string(let v), .password(let v), .className(let v): v
        default: nil
        }
    }

    public var items: [String]? {
        if case .list(let v) = self { return v }
        return nil
    }
}

extension String {
    /// Java's String.trim(): drops ASCII control characters and spaces at both ends.
    func trimmingASCIIWhitespace() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] <= 0x20 { start += 1 }
        while end > start, bytes[end - 1] <= 0x20 { end -= 1 }
        if start == 0 && end == bytes.count { return self }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
