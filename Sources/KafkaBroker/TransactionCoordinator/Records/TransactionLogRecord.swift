import KafkaProtocol
import LogStorage
import NIOCore

/// One record of `__transaction_state`: key = version i16 (0) + transactional id; value =
/// version i16 + TransactionLogValue, or null (a tombstone: the id expired). The bytes are
/// Kafka's (TransactionLog.scala, TransactionLogKey/Value.json), so either can read the other's
/// log. Values are written as version 0 (what Kafka writes before transaction.version 1);
/// versions 0 and 1 are read.
public struct TransactionLogRecord: Sendable, Equatable {
    public var transactionalId: String
    public var metadata: TransactionMetadata?

    public init(transactionalId: String, metadata: TransactionMetadata?) {
        self.transactionalId = transactionalId
        self.metadata = metadata
    }

    static let keyVersion: Int16 = 0
    static let valueVersion: Int16 = 0

    func encodeKey() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Self.keyVersion)
        buffer.writeKafkaString(transactionalId, flexible: false)
        return buffer
    }

    func encodeValue() -> ByteBuffer? {
        guard let metadata else { return nil }
        var buffer = ByteBuffer()
        buffer.writeInteger(Self.valueVersion)
        buffer.writeInteger(metadata.producerId)
        buffer.writeInteger(metadata.producerEpoch)
        buffer.writeInteger(metadata.timeoutMs)
        buffer.writeInteger(metadata.state.rawValue)
        // Kafka writes null partitions for an Empty transaction.
        if metadata.state == .empty {
            buffer.writeKafkaArrayCount(nil, flexible: false)
        } else {
            let byTopic = Dictionary(grouping: metadata.partitions, by: \.topic)
            buffer.writeKafkaArrayCount(byTopic.count, flexible: false)
            for topic in byTopic.keys.sorted() {
                buffer.writeKafkaString(topic, flexible: false)
                let indexes = (byTopic[topic] ?? []).map(\.partition).sorted()
                buffer.writeKafkaArrayCount(indexes.count, flexible: false)
                for index in indexes { buffer.writeInteger(index) }
            }
        }
        buffer.writeInteger(metadata.lastUpdateMs)
        buffer.writeInteger(metadata.startMs)
        return buffer
    }

    static func decode(key: ByteBuffer, value: ByteBuffer?) throws(KafkaProtocolError) -> TransactionLogRecord {
        var key = key
        let keyVersion = try key.readKafkaInteger(as: Int16.self)
        guard keyVersion == Self.keyVersion else { throw .invalid("unknown transaction log key version \(keyVersion)") }
        let transactionalId = try key.readKafkaString(flexible: false)
        guard var value else { return TransactionLogRecord(transactionalId: transactionalId, metadata: nil) }
        let version = try value.readKafkaInteger(as: Int16.self)
        guard version == 0 || version == 1 else { throw .invalid("unknown transaction log value version \(version)") }
        let flexible = version >= 1
        let producerId = try value.readKafkaInteger(as: Int64.self)
        let epoch = try value.readKafkaInteger(as: Int16.self)
        let timeoutMs = try value.readKafkaInteger(as: Int32.self)
        let rawState = try value.readKafkaInteger(as: Int8.self)
        guard let state = TransactionState(rawValue: rawState) else { throw .invalid("unknown transaction state \(rawState)") }
        var partitions = Set<TopicPartition>()
        if let topics = try value.readKafkaArrayCount(flexible: flexible) {
            for _ in 0..<topics {
                let topic = try value.readKafkaString(flexible: flexible)
                let count = try value.readKafkaArrayCount(flexible: flexible) ?? 0
                for _ in 0..<count { partitions.insert(TopicPartition(topic: topic, partition: try value.readKafkaInteger(as: Int32.self))) }
                if flexible { try value.readKafkaTaggedFields { _, _ in } }
            }
        }
        let lastUpdateMs = try value.readKafkaInteger(as: Int64.self)
        let startMs = try value.readKafkaInteger(as: Int64.self)
        return TransactionLogRecord(
            transactionalId: transactionalId,
            metadata: TransactionMetadata(
                producerId: producerId, producerEpoch: epoch, timeoutMs: timeoutMs, state: state, partitions: partitions,
                lastUpdateMs: lastUpdateMs, startMs: startMs))
    }
}
