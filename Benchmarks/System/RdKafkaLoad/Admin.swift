import CRdKafka

/// A client for librdkafka's Admin API: CreateTopics and DeleteTopics, waiting for each result.
public final class RdKafkaAdmin {
    private let handle: RdKafkaHandle

    public init(bootstrap: String, properties: RdKafkaProperties = [:]) throws(LoadError) {
        var props = properties
        props["bootstrap.servers"] = bootstrap
        handle = try RdKafkaHandle(type: RD_KAFKA_PRODUCER, properties: props)
    }

    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1, timeoutMs: Int32 = 120_000) throws(LoadError) {
        try Admin.createTopic(handle.rk, name: name, partitions: partitions, replicationFactor: replicationFactor, timeoutMs: timeoutMs)
    }

    public func deleteTopic(_ name: String, timeoutMs: Int32 = 60_000) throws(LoadError) {
        try Admin.deleteTopic(handle.rk, name: name, timeoutMs: timeoutMs)
    }
}

enum Admin {
    static func createTopic(
        _ rk: OpaquePointer, name: String, partitions: Int32, replicationFactor: Int32, timeoutMs: Int32
    ) throws(LoadError) {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let topic = rd_kafka_NewTopic_new(name, partitions, replicationFactor, &errstr, errstr.count) else {
            throw LoadError("NewTopic \(name): \(String(cString: errstr))")
        }
        defer { rd_kafka_NewTopic_destroy(topic) }
        try run(rk, op: RD_KAFKA_ADMIN_OP_CREATETOPICS, what: "create topic \(name)", timeoutMs: timeoutMs) { options, queue in
            var topics: [OpaquePointer?] = [topic]
            rd_kafka_CreateTopics(rk, &topics, 1, options, queue)
        } results: { event in
            var count = 0
            let list = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            return (list, count)
        }
    }

    static func deleteTopic(_ rk: OpaquePointer, name: String, timeoutMs: Int32) throws(LoadError) {
        guard let topic = rd_kafka_DeleteTopic_new(name) else { throw LoadError("DeleteTopic \(name) failed") }
        defer { rd_kafka_DeleteTopic_destroy(topic) }
        try run(rk, op: RD_KAFKA_ADMIN_OP_DELETETOPICS, what: "delete topic \(name)", timeoutMs: timeoutMs) { options, queue in
            var topics: [OpaquePointer?] = [topic]
            rd_kafka_DeleteTopics(rk, &topics, 1, options, queue)
        } results: { event in
            var count = 0
            let list = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
            return (list, count)
        }
    }

    /// Issues one admin request on a private queue and checks the request- and topic-level errors.
    private static func run(
        _ rk: OpaquePointer, op: rd_kafka_admin_op_t, what: String, timeoutMs: Int32,
        issue: (OpaquePointer?, OpaquePointer?) -> Void,
        results: (OpaquePointer) -> (UnsafeMutablePointer<OpaquePointer?>?, Int)
    ) throws(LoadError) {
        guard let queue = rd_kafka_queue_new(rk) else { throw LoadError("\(what): no queue") }
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(rk, op)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = [CChar](repeating: 0, count: 512)
        rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errstr, errstr.count)
        rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errstr, errstr.count)
        issue(options, queue)
        guard let event = rd_kafka_queue_poll(queue, timeoutMs + 5_000) else { throw LoadError("\(what): no answer") }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw LoadError("\(what): \(String(cString: rd_kafka_event_error_string(event)))")
        }
        let (list, count) = results(event)
        for i in 0..<count {
            guard let result = list?[i] else { continue }
            let topicErr = rd_kafka_topic_result_error(result)
            if topicErr != RD_KAFKA_RESP_ERR_NO_ERROR {
                let message = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? ""
                throw LoadError("\(what): \(RdKafkaHandle.errorName(topicErr)) \(message)")
            }
        }
    }
}
