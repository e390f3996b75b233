import Foundation
import Testing

@testable import KafkaBroker

/// A fresh data directory, removed afterwards.
final class ProducerIdTestDirectory {
    let path = NSTemporaryDirectory() + "petrel-producer-ids-\(UUID().uuidString)"
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite("Producer id allocation")
struct InitProducerIdAllocationTests {
    @Test("ids are unique and the block is reserved on disk before the first is handed out")
    func reservesBeforeHandingOut() throws {
        let dir = ProducerIdTestDirectory()
        let manager = try ProducerIdManager(dataDir: dir.path)
        let file = dir.path + "/" + ProducerIdManager.fileName
        #expect(!FileManager.default.fileExists(atPath: file))
        let ids = try (0..<5).map { _ in try manager.generate() }
        #expect(ids == [0, 1, 2, 3, 4])
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "1\n1000\n")
    }

    @Test("a restart never reuses an id, whether the block was used up or not")
    func restartNeverReuses() throws {
        let dir = ProducerIdTestDirectory()
        var seen = Set<Int64>()
        // Three "processes": a few ids, then across a block boundary, then a few more.
        for count in [3, 5, 2] {
            let manager = try ProducerIdManager(dataDir: dir.path, blockSize: 4)
            for _ in 0..<count {
                let id = try manager.generate()
                #expect(!seen.contains(id), "producer id \(id) reused")
                #expect(id < manager.reservedEnd)
                seen.insert(id)
            }
        }
        #expect(seen.count == 10)
        // Run 1 reserved [0, 4); run 2 started at 4 and crossed into [8, 12); run 3 starts at 12.
        #expect(seen == Set([0, 1, 2, 4, 5, 6, 7, 8, 12, 13]))
    }

    @Test("a reservation file that does not parse stops startup instead of guessing")
    func malformedFile() throws {
        let dir = ProducerIdTestDirectory()
        try "1\nnot-a-number\n".write(toFile: dir.path + "/" + ProducerIdManager.fileName, atomically: true, encoding: .utf8)
        #expect(throws: BrokerError.self) { try ProducerIdManager(dataDir: dir.path) }
    }

    @Test("a failed reservation write hands out nothing and is retried on the next call")
    func failedWrite() throws {
        let dir = ProducerIdTestDirectory()
        let manager = try ProducerIdManager(dataDir: dir.path + "/missing", blockSize: 10)
        #expect(throws: BrokerError.self) { try manager.generate() }
        try FileManager.default.createDirectory(atPath: dir.path + "/missing", withIntermediateDirectories: true)
        #expect(try manager.generate() == 0)
    }
}
