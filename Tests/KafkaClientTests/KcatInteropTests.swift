import Foundation
import KafkaClient
import KafkaProtocol
import NIOCore
import Testing

/// Batches written by librdkafka (kcat) read by our client, and ours read by librdkafka,
/// for every codec: checks our decompression and compression against another client.
@Suite(
    .serialized,
    .enabled(if: TestCluster.isAvailable, "needs the librdkafka mock cluster venv"),
    .enabled(if: KcatTool.path != nil, "needs kcat on PATH"))
struct KcatInteropTests {
    @Test(arguments: ["none", "gzip", "snappy", "lz4", "zstd"])
    func weReadWhatLibrdkafkaWrote(codec: String) async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("from-kcat-\(codec)", partitions: 1, client: client)
            let lines = (0..<50).map { "key\($0 % 5):value number \($0) " + String(repeating: "x", count: $0) }
            try KcatTool.run([
                "-P", "-b", cluster.bootstrap, "-t", topic, "-p", "0", "-z", codec, "-K", ":", "-H", "origin=kcat",
            ], input: lines.joined(separator: "\n") + "\n")
            let records = try await ProduceFetchTests.readAll(client, topic)
            #expect(records.map(\.offset) == Array(0..<50))
            #expect(records.map { ProduceFetchTests.string($0.key) ?? "" } == (0..<50).map { "key\($0 % 5)" })
            #expect(records.map { ProduceFetchTests.string($0.value) ?? "" } == lines.map { String($0.split(separator: ":", maxSplits: 1)[1]) })
            #expect(records.allSatisfy { $0.headers.map(\.keyString) == ["origin"] })
            #expect(records.allSatisfy { ProduceFetchTests.string($0.headers.first?.value) == "kcat" })
        }
    }

    @Test(arguments: [CompressionCodec.none, .gzip, .snappy, .lz4, .zstd])
    func librdkafkaReadsWhatWeWrote(codec: CompressionCodec) async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("to-kcat-\(codec.name)", partitions: 1, client: client)
            let sent = (0..<40).map { i in
                ProducerRecord(key: "k\(i)", value: "v\(i)-" + String(repeating: "y", count: i), headers: [("h", "\(i)")])
            }
            try await client.produce(topic: topic, partition: 0, records: sent, compression: codec)
            let output = try KcatTool.run([
                "-C", "-b", cluster.bootstrap, "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q",
                "-f", "%o|%k|%s|%h\\n",
            ])
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines == (0..<40).map { "\($0)|k\($0)|v\($0)-\(String(repeating: "y", count: $0))|h=\($0)" })
        }
    }
}

/// Runs kcat with a timeout.
enum KcatTool {
    static let path: String? = ["/usr/bin/kcat", "/usr/local/bin/kcat", "/usr/bin/kafkacat"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @discardableResult
    static func run(_ arguments: [String], input: String? = nil, timeout: TimeInterval = 20) throws -> String {
        guard let path else { throw TestError("kcat not found") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let stdin = Pipe()
        p.standardInput = stdin
        try p.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Drain stdout on another thread so a full pipe cannot stall kcat.
        let collected = OutputBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            collected.data = out.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if p.isRunning {
            p.terminate()
            throw TestError("kcat \(arguments.joined(separator: " ")) timed out")
        }
        done.wait()
        let output = collected.data
        guard p.terminationStatus == 0 else {
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw TestError("kcat exited \(p.terminationStatus): \(message)")
        }
        return String(decoding: output, as: UTF8.self)
    }
}

final class OutputBox: @unchecked Sendable {
    var data = Data()
}
