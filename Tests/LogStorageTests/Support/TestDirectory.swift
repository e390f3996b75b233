import Foundation
import KafkaProtocol
import Logging
import NIOCore
@testable import LogStorage

/// A fresh directory under the system temp dir, removed when the test lets go of it.
final class TestDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "petrel-logstorage-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func files(in sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(path)/\(sub)")) ?? []).sorted()
    }
}

let quietLogger = Logger(label: "logstorage-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Builds v2 batches for tests: `count` records with increasing timestamps from `timestamp`.
func makeBatch(
    records count: Int, timestamp: Int64 = 1_000, valueSize: Int = 10, compression: CompressionCodec = .none,
    timestampStep: Int64 = 1, baseOffset: Int64 = 0, leaderEpoch: Int32 = -1
) -> ByteBuffer {
    var builder = RecordBatchBuilder(baseOffset: baseOffset, partitionLeaderEpoch: leaderEpoch, compression: compression)
    for index in 0..<count {
        let value = ByteBuffer(repeating: UInt8(truncatingIfNeeded: index), count: valueSize)
        builder.append(key: nil, value: value, timestamp: timestamp + Int64(index) * timestampStep)
    }
    do {
        return try builder.build()
    } catch {
        Issue.record("cannot build batch: \(error)")
        return ByteBuffer()
    }
}

/// Headers of every batch in `buffer`.
func headers(in buffer: ByteBuffer) -> [RecordBatchHeader] {
    var out: [RecordBatchHeader] = []
    var iterator = RecordBatchIterator(buffer)
    while let batch = iterator.next() { out.append(batch.header) }
    return out
}

import Testing

extension PartitionLog {
    /// Appends a freshly built batch of `records` records as leader (epoch 0).
    @discardableResult
    func appendBatch(records: Int, timestamp: Int64 = 1_000, valueSize: Int = 10, epoch: Int32 = 0, logAppendTime: Int64? = nil) throws -> AppendResult {
        let batch = makeBatch(records: records, timestamp: timestamp, valueSize: valueSize)
        return try append(batch, leaderEpoch: epoch, logAppendTime: logAppendTime)
    }

    /// Reads everything from `offset` up to the log end, in as many reads as it takes.
    func readAll(from offset: Int64, maxBytes: Int = 1 << 20) throws -> [RecordBatchHeader] {
        var out: [RecordBatchHeader] = []
        var next = offset
        while next < logEndOffset {
            let result = try read(from: next, maxBytes: maxBytes, maxOffset: logEndOffset, minOneBatch: true)
            let batches = headers(in: try result.readBytes())
            guard let last = batches.last else { break }
            out += batches
            next = last.lastOffset + 1
        }
        return out
    }
}
