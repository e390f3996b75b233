import Foundation
import KafkaClient
import NIOCore
import TestSupport
import Testing

/// `petrel topics:replication-factor` against a real `petrel dev` cluster of three brokers
/// (its own process), plus the checks made before any broker is contacted.
@Suite(.serialized, .enabled(if: PetrelCLI.path != nil, "needs the petrel binary (swift build --product petrel)"))
struct TopicsReplicationFactorCommandTests {
    @Test func aFactorBelowOneIsRefusedBeforeConnecting() async throws {
        let result = try await PetrelCLI.run(["topics:replication-factor", "t", "0"] + TopicsInputErrorTests.nowhere)
        expectOneSentence(result, "The replication factor must be 1 or more, but got 0; pass e.g. 3.")
    }

    /// Three consecutive loopback ports nothing listens on (dev takes the next two after --port).
    static func threePorts() throws -> Int {
        for _ in 0..<20 {
            let base = try TestPorts.unused()
            guard base < 65533 else { continue }
            let free = (1...2).allSatisfy { offset in
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(fd) }
                var addr = sockaddr_in()
                addr.sin_family = sa_family_t(AF_INET)
                addr.sin_addr.s_addr = inet_addr("127.0.0.1")
                addr.sin_port = UInt16(base + offset).bigEndian
                return withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
                }
            }
            if free { return base }
        }
        throw TestError("no three free consecutive ports")
    }

    @Test func oneReplicaToThreeAndBackOnADevCluster() async throws {
        let port = try Self.threePorts()
        let dir = try TestDirs.make(prefix: "petrel-rf-dev-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dev = try PetrelCLI.start(["dev", "--brokers", "3", "--port", "\(port)", "--data-dir", dir])
        defer { dev.kill() }
        try await dev.waitFor("the dev cluster banner", timeout: .seconds(60)) { out, _ in out.contains("Petrel dev cluster ready") }
        let bootstrap = ["--bootstrap", "127.0.0.1:\(port)"]

        let create = try await PetrelCLI.run(["topics:create", "rf", "--partitions", "3", "--replication-factor", "1"] + bootstrap)
        #expect(create.status == 0, "\(create.stderr)")
        let client = try KafkaClient(bootstrap: "127.0.0.1:\(port)", clientId: "rf-test")
        defer { Task { await client.shutdown() } }
        for partition: Int32 in 0..<3 {
            let records = (0..<20).map { ProducerRecord(key: nil, value: "p\(partition)-\($0)") }
            _ = try await client.produce(topic: "rf", partition: partition, records: records)
        }

        let up = try await PetrelCLI.run(["topics:replication-factor", "rf", "3"] + bootstrap, timeout: .seconds(60))
        #expect(up.status == 0, "\(up.stderr)")
        let lines = up.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Moving rf to replication factor 3: 3 of 3 partitions change.")
        #expect(lines.last == "Topic rf now has replication factor 3, every replica in sync.")
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.hasPrefix("  ") && $0.contains("/3 partitions done") })
        let grown = try await client.describeTopic("rf")
        #expect(grown.partitions.allSatisfy { Set($0.replicas) == [1, 2, 3] && Set($0.isr) == [1, 2, 3] })
        let info = try await PetrelCLI.run(["topics:info", "rf"] + bootstrap)
        #expect(info.stdout.split(separator: "\n").contains("Replication:  3"))

        let same = try await PetrelCLI.run(["topics:replication-factor", "rf", "3"] + bootstrap)
        #expect(same.status == 0)
        #expect(same.stdout == "Topic rf already has replication factor 3.\n")
        let tooMany = try await PetrelCLI.run(["topics:replication-factor", "rf", "4"] + bootstrap)
        expectOneSentence(tooMany, "The replication factor 4 is more than the 3 brokers in the cluster; pass at most 3.")
        let missing = try await PetrelCLI.run(["topics:replication-factor", "nothing", "2"] + bootstrap)
        expectOneSentence(missing, "Topic 'nothing' does not exist; list topics with `petrel topics`.")

        let down = try await PetrelCLI.run(["topics:replication-factor", "rf", "1"] + bootstrap, timeout: .seconds(60))
        #expect(down.status == 0, "\(down.stderr)")
        #expect(down.stdout.split(separator: "\n").last == "Topic rf now has replication factor 1, every replica in sync.")
        let shrunk = try await client.describeTopic("rf")
        #expect(shrunk.partitions.allSatisfy { $0.replicas.count == 1 && $0.isr == $0.replicas })
        #expect(Set(shrunk.partitions.compactMap(\.replicas.first)) == [1, 2, 3], "one replica per broker, as before")
        for partition: Int32 in 0..<3 {
            let read = try await client.fetch(topic: "rf", partition: partition, offset: 0)
            #expect(read.map { String(buffer: $0.value ?? ByteBuffer()) } == (0..<20).map { "p\(partition)-\($0)" })
        }
    }
}
