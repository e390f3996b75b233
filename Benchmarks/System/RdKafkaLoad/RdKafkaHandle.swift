import CRdKafka

/// librdkafka properties (`acks`, `linger.ms`, `compression.type`, ...). Later entries of a
/// merge win, so scenario defaults can be overridden from the command line.
public typealias RdKafkaProperties = [String: String]

/// One `rd_kafka_t` and its configuration, destroyed with the owner.
final class RdKafkaHandle {
    let rk: OpaquePointer
    /// What librdkafka's callbacks point at (their opaque): released only after rd_kafka_destroy.
    private let callbackTarget: AnyObject?

    /// - Parameter configure: extra setup on the conf before the handle takes it (callbacks).
    init(
        type: rd_kafka_type_t, properties: RdKafkaProperties, callbackTarget: AnyObject? = nil,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(LoadError) {
        self.callbackTarget = callbackTarget
        let conf = try Self.makeConf(properties)
        configure(conf)
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw LoadError("rd_kafka_new: \(String(cString: errstr))")
        }
        self.rk = rk
    }

    deinit { rd_kafka_destroy(rk) }

    static func makeConf(_ properties: RdKafkaProperties) throws(LoadError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else { throw LoadError("rd_kafka_conf_new failed") }
        var errstr = [CChar](repeating: 0, count: 512)
        // Sorted so the same properties always apply in the same order.
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw LoadError("librdkafka property \(key)=\(value): \(String(cString: errstr))")
            }
        }
        return conf
    }

    static func errorName(_ err: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2name(err)) + ": " + String(cString: rd_kafka_err2str(err))
    }

    /// librdkafka's version string, for the report.
    static var version: String { String(cString: rd_kafka_version_str()) }
}

/// librdkafka's version, as linked.
public let librdkafkaVersion = RdKafkaHandle.version
