import Dispatch
import KafkaProtocol
import NIOCore
import Synchronization
import Testing
@testable import LogStorage

@Suite struct ConcurrencyTests {
    /// Appenders and readers on several threads: offsets are handed out exactly once and in
    /// order, and every read sees whole, valid batches while segments roll underneath it.
    @Test func concurrentAppendsAndReadsSeeAConsistentLog() throws {
        let dir = TestDirectory()
        var config = LogConfig()
        config.segmentBytes = 16 * 1024
        config.indexIntervalBytes = 512
        let flusher = LogFlusher()
        let log = try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, logger: quietLogger, flusher: flusher)
        let firstOffsets = Mutex<[Int64]>([])
        let problems = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { worker in
            for round in 0..<150 {
                do {
                    if worker < 3 {
                        let batch = makeBatch(records: 3, timestamp: Int64(round), valueSize: 50)
                        let result = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
                        firstOffsets.withLock { $0.append(result.firstOffset) }
                        log.updateHighWatermark(log.logEndOffset)
                    } else {
                        let hw = log.highWatermark
                        guard hw > 0 else { continue }
                        let from = Int64(round * 7) % hw
                        let result = try log.read(from: from, maxBytes: 4096, maxOffset: hw, minOneBatch: true)
                        let bytes = try result.readBytes()
                        var iterator = RecordBatchIterator(bytes)
                        var count = 0
                        while let batch = iterator.next() {
                            count += 1
                            if !batch.header.crcIsValid(in: bytes, at: batch.index) || batch.header.lastOffset >= hw {
                                problems.withLock { $0.append("bad batch at \(batch.header.baseOffset)") }
                            }
                        }
                        if count == 0 || iterator.stop != nil || result.firstOffset > from {
                            problems.withLock { $0.append("read from \(from) gave \(count) batches starting \(result.firstOffset)") }
                        }
                    }
                } catch {
                    problems.withLock { $0.append("\(error)") }
                }
            }
        }
        flusher.drain()
        #expect(problems.withLock { $0 }.isEmpty)
        let offsets = firstOffsets.withLock { $0 }.sorted()
        #expect(offsets == Array(stride(from: 0, to: 450 * 3, by: 3)))
        #expect(log.logEndOffset == 1350 && log.segmentCount > 3)
        #expect(try log.readAll(from: 0).count == 450)
    }
}
