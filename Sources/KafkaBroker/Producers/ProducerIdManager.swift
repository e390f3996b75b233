import Foundation
import KafkaProtocol
import Synchronization

/// Hands out producer ids that are unique across restarts. Ids are reserved in blocks (Kafka's
/// controller does the same with ProducerIdsRecord): before the first id of a block is given
/// out, `<data-dir>/producer_id_block` is atomically replaced (temp, fsync, rename, fsync of
/// the directory) with the first id after the block. A restart starts from that number, so an
/// id handed out before a crash is never reused; at most one block goes unused per restart.
public final class ProducerIdManager: Sendable {
    public static let fileName = "producer_id_block"
    public static let defaultBlockSize: Int64 = 1000
    static let formatVersion = 1

    public let path: String
    public let blockSize: Int64
    /// The broker's id in the high bits, so brokers of one cluster never hand out the same id
    /// without asking each other (Kafka coordinates blocks through its controller instead).
    public let idPrefix: Int64
    /// Ids per broker: 2^40, so a broker id fits in the remaining bits.
    public static let idsPerBroker: Int64 = 1 << 40

    private struct State {
        /// The next id to hand out.
        var next: Int64
        /// The first id not covered by the persisted reservation.
        var reservedEnd: Int64
    }
    private let state: Mutex<State>

    /// Reads the reservation file (an absent file means no id was ever given out). A file that
    /// does not parse is an error: guessing could reuse ids.
    public init(dataDir: String, brokerId: Int32 = 0, blockSize: Int64 = defaultBlockSize) throws(BrokerError) {
        path = dataDir + "/" + Self.fileName
        self.blockSize = max(1, blockSize)
        self.idPrefix = Int64(max(brokerId, 0)) * Self.idsPerBroker
        let start = try Self.readReservation(path)
        state = Mutex(State(next: start, reservedEnd: start))
    }

    /// A new producer id; persists the next block first when the current one is used up.
    public func generate() throws(BrokerError) -> Int64 {
        try state.withLock { state throws(BrokerError) -> Int64 in
            if state.next >= state.reservedEnd {
                let end = state.reservedEnd + blockSize
                guard end <= Self.idsPerBroker else { throw BrokerError(.unknownServerError, "producer ids of this broker are exhausted") }
                try Self.writeReservation(end, to: path)
                state.next = state.reservedEnd
                state.reservedEnd = end
            }
            defer { state.next += 1 }
            return idPrefix + state.next
        }
    }

    /// The first id after the persisted reservation (what a restart would start from).
    public var reservedEnd: Int64 { state.withLock { $0.reservedEnd } }

    static func readReservation(_ path: String) throws(BrokerError) -> Int64 {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw BrokerError(.kafkaStorageError, "cannot read \(path)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 3, lines[2].isEmpty, Int(lines[0]) == formatVersion,
              let next = Int64(lines[1]), next >= 0 else {
            throw BrokerError(.kafkaStorageError, "malformed producer id reservation \(path); refusing to guess the next producer id")
        }
        return next
    }

    static func writeReservation(_ next: Int64, to path: String) throws(BrokerError) {
        let bytes = Array("\(formatVersion)\n\(next)\n".utf8)
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BrokerError(.kafkaStorageError, "cannot create \(temp): errno \(errno)") }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = written == bytes.count && fsync(fd) == 0
        let code = errno
        close(fd)
        guard synced else {
            unlink(temp)
            throw BrokerError(.kafkaStorageError, "cannot write \(temp): errno \(code)")
        }
        guard rename(temp, path) == 0 else {
            throw BrokerError(.kafkaStorageError, "cannot rename \(temp) to \(path): errno \(errno)")
        }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw BrokerError(.kafkaStorageError, "cannot open the directory of \(path): errno \(errno)") }
        let dirSynced = fsync(directory) == 0
        close(directory)
        // The rename must be durable before an id from the new block leaves the broker.
        guard dirSynced else { throw BrokerError(.kafkaStorageError, "cannot fsync the directory of \(path)") }
    }
}
