import Foundation
import KafkaProtocol

/// The JSON Kafka writes in its znodes (ZkData.scala), field for field. The embedded backend
/// persists the same shapes, so both speak one format.
enum ZNodeJSON {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail; an empty object keeps the caller total.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], path: String) throws(ClusterError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw .corrupt("cannot read \(path): \(error) in \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
    }
}

/// `/brokers/ids/<id>`, version 5 (BrokerIdZNode): a top-level host/port of the first PLAINTEXT
/// endpoint for old clients, every endpoint as `LISTENER://host:port`, the listener map, rack.
struct BrokerZNode: Codable {
    var version: Int
    var host: String?
    var port: Int
    var endpoints: [String]
    var listenerSecurityProtocolMap: [String: String]?
    var jmxPort: Int
    var timestamp: String
    var rack: String?
    var features: [String: [String: Int]]?

    enum CodingKeys: String, CodingKey {
        case version, host, port, endpoints, timestamp, rack, features
        case listenerSecurityProtocolMap = "listener_security_protocol_map"
        case jmxPort = "jmx_port"
    }

    init(_ registration: BrokerRegistration) {
        let plaintext = registration.endpoints.first { $0.securityProtocol == "PLAINTEXT" }
        version = 5
        host = plaintext?.host
        port = plaintext?.port ?? -1
        endpoints = registration.endpoints.map(\.connectionString)
        listenerSecurityProtocolMap = Dictionary(
            registration.endpoints.map { ($0.listener, $0.securityProtocol) }, uniquingKeysWith: { first, _ in first })
        jmxPort = -1
        timestamp = String(registration.timestamp)
        rack = registration.rack
        features = [:]
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(host, forKey: .host)  // null without a PLAINTEXT endpoint, as Kafka writes it
        try c.encode(port, forKey: .port)
        try c.encode(endpoints, forKey: .endpoints)
        try c.encodeIfPresent(listenerSecurityProtocolMap, forKey: .listenerSecurityProtocolMap)
        try c.encode(jmxPort, forKey: .jmxPort)
        try c.encode(timestamp, forKey: .timestamp)
        try c.encodeIfPresent(rack, forKey: .rack)
        try c.encodeIfPresent(features, forKey: .features)
    }

    func registration(id: Int32, epoch: Int64, path: String) throws(ClusterError) -> BrokerRegistration {
        var parsed: [BrokerEndpoint] = []
        for endpoint in endpoints {
            let listener = endpoint.split(separator: ":").first.map(String.init) ?? ""
            guard let value = BrokerEndpoint(connectionString: endpoint, securityProtocol: listenerSecurityProtocolMap?[listener])
            else { throw .corrupt("\(path) lists a bad endpoint \(endpoint)") }
            parsed.append(value)
        }
        if parsed.isEmpty, let host, port >= 0 { parsed = [BrokerEndpoint(host: host, port: port)] }
        return BrokerRegistration(id: id, rack: rack, endpoints: parsed, epoch: epoch, timestamp: Int64(timestamp) ?? 0)
    }
}

/// `/brokers/topics/<topic>`, version 3 (TopicZNode): replicas per partition, the topic id, and
/// the adding and removing replicas of partitions being reassigned (Kafka 2.4+; only partitions
/// with some are listed).
struct TopicZNode: Codable {
    var version: Int
    var topicID: String?
    var partitions: [String: [Int32]]
    var addingReplicas: [String: [Int32]]?
    var removingReplicas: [String: [Int32]]?

    enum CodingKeys: String, CodingKey {
        case version, partitions
        case topicID = "topic_id"
        case addingReplicas = "adding_replicas"
        case removingReplicas = "removing_replicas"
    }

    init(_ topic: TopicAssignment) {
        version = 3
        topicID = topic.topicID.base64
        partitions = Dictionary(uniqueKeysWithValues: topic.partitions.enumerated().map { (String($0.offset), $0.element) })
        var adding: [String: [Int32]] = [:]
        var removing: [String: [Int32]] = [:]
        for (partition, moving) in topic.reassignments {
            if !moving.adding.isEmpty { adding[String(partition)] = moving.adding }
            if !moving.removing.isEmpty { removing[String(partition)] = moving.removing }
        }
        addingReplicas = adding
        removingReplicas = removing
    }

    func assignment(name: String, version: Int32, path: String) throws(ClusterError) -> TopicAssignment {
        guard let text = topicID, let id = KafkaUUID(base64: text) else {
            throw .corrupt("\(path) has no readable topic_id")
        }
        var replicas = [[Int32]](repeating: [], count: partitions.count)
        for (key, value) in partitions {
            guard let index = Int(key), index >= 0, index < partitions.count else {
                throw .corrupt("\(path) numbers its partitions with gaps (\(key) of \(partitions.count))")
            }
            replicas[index] = value
        }
        var reassignments: [Int32: PartitionReassignment] = [:]
        for (field, entries) in [(\PartitionReassignment.adding, addingReplicas), (\.removing, removingReplicas)] {
            for (key, value) in entries ?? [:] where !value.isEmpty {
                guard let index = Int32(key), index >= 0, Int(index) < partitions.count else {
                    throw .corrupt("\(path) lists moving replicas of unknown partition \(key)")
                }
                reassignments[index, default: PartitionReassignment()][keyPath: field] = value
            }
        }
        let topic = TopicAssignment(name: name, topicID: id, partitions: replicas, version: version, reassignments: reassignments)
        do throws(ClusterError) {
            try topic.validateReassignments()
        } catch {
            throw .corrupt("\(path): \(error.message)")
        }
        return topic
    }
}

/// `/brokers/topics/<topic>/partitions/<p>/state` (TopicPartitionStateZNode).
struct PartitionStateZNode: Codable {
    var version: Int
    var leader: Int32
    var leaderEpoch: Int32
    var controllerEpoch: Int32
    var isr: [Int32]
    var leaderRecoveryState: Int8?

    enum CodingKeys: String, CodingKey {
        case version, leader, isr
        case leaderEpoch = "leader_epoch"
        case controllerEpoch = "controller_epoch"
        case leaderRecoveryState = "leader_recovery_state"
    }

    init(_ state: PartitionState) {
        version = 1
        leader = state.leader
        leaderEpoch = state.leaderEpoch
        controllerEpoch = state.controllerEpoch
        isr = state.isr
        // Kafka writes the field only when the leader is still recovering.
        leaderRecoveryState = state.leaderRecoveryState == .recovered ? nil : state.leaderRecoveryState.rawValue
    }

    func state(partitionEpoch: Int32, path: String) throws(ClusterError) -> PartitionState {
        guard let recovery = PartitionState.LeaderRecoveryState(rawValue: leaderRecoveryState ?? 0) else {
            throw .corrupt("\(path) has an unknown leader_recovery_state \(leaderRecoveryState ?? 0)")
        }
        return PartitionState(
            leader: leader, leaderEpoch: leaderEpoch, isr: isr, leaderRecoveryState: recovery,
            controllerEpoch: controllerEpoch, partitionEpoch: partitionEpoch)
    }
}

/// `/config/topics/<topic>` (ConfigEntityZNode).
struct ConfigZNode: Codable {
    var version: Int = 1
    var config: [String: String]
}

/// `/controller`, version 2 (ControllerZNode); ZooKeeper-mode controllers write -1 for the KRaft epoch.
struct ControllerZNode: Codable {
    var version: Int
    var brokerid: Int32
    var timestamp: String
    var kraftControllerEpoch: Int32?

    init(brokerID: Int32, timestamp: Int64) {
        version = 2
        brokerid = brokerID
        self.timestamp = String(timestamp)
        kraftControllerEpoch = -1
    }
}

/// `/cluster/id` (ClusterIdZNode); Kafka writes the version as a string here.
struct ClusterIDZNode: Codable {
    var version: String = "1"
    var id: String
}

/// `/controller_epoch` holds the epoch as plain decimal text.
enum ControllerEpochZNode {
    static func encode(_ epoch: Int32) -> [UInt8] { Array(String(epoch).utf8) }

    static func decode(_ bytes: [UInt8], path: String) throws(ClusterError) -> Int32 {
        guard let epoch = Int32(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)) else {
            throw .corrupt("\(path) does not hold a number")
        }
        return epoch
    }
}
