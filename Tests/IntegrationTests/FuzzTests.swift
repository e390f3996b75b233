import Foundation
import KafkaProtocol
import NIOCore
import Testing
import TestSupport

/// A bounded fuzz run: random and mutated frames against a live broker. The broker must not
/// crash or hang, a well-behaved client on its own connection must keep working, and data
/// written before the run must read back unchanged.
@Suite(.serialized) struct FuzzTests {
    static var seconds: Double {
        ProcessInfo.processInfo.environment["PETREL_FUZZ_SECONDS"].flatMap(Double.init) ?? 15
    }

    @Test func randomAndMutatedFramesDoNotHurtTheBrokerOrOtherClients() throws {
        let broker = try BrokerProcess()
        try broker.start()
        defer { broker.stop() }
        // PETREL_FUZZ_SEED replays a run whose seed a failure printed.
        let seed = ProcessInfo.processInfo.environment["PETREL_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        print("FuzzTests: seed \(seed), \(Self.seconds)s")
        var rng = SplitMix64(seed: seed)

        let good = try RawKafkaSocket(port: broker.port)
        let created = try good.roundTrip(
            CreateTopicsRequest(topics: [.init(name: "fuzz-canary", numPartitions: 2, replicationFactor: 1)], timeoutMs: 5000),
            version: 5)
        #expect(created.response.topics.first?.errorCode == 0)
        let seeds = Self.seedFrames(good)

        let deadline = Date().addingTimeInterval(Self.seconds)
        var sent = 0
        while Date() < deadline {
            guard let socket = try? RawKafkaSocket(port: broker.port, timeoutMilliseconds: 100) else {
                Issue.record("broker stopped accepting connections after \(sent) frames; log: \(broker.logTail())")
                return
            }
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                socket.sendRaw(Self.mutate(seeds[Int.random(in: 0..<seeds.count, using: &rng)], rng: &rng))
                sent += 1
            }
            _ = socket.receiveFrame()
            if sent % 200 < 4 {
                #expect(broker.isRunning, "broker died; log: \(broker.logTail())")
                let (_, metadata) = try good.roundTrip(MetadataRequest(topics: [.init(name: "fuzz-canary")]), version: 12)
                #expect(metadata.topics.first?.partitions.count == 2)
            }
        }
        print("FuzzTests: sent \(sent) frames")
        #expect(broker.isRunning, "broker died; log: \(broker.logTail())")
        let (_, metadata) = try good.roundTrip(MetadataRequest(topics: nil), version: 12)
        #expect(metadata.topics.contains { $0.name == "fuzz-canary" })
    }

    /// Valid frames of many APIs and versions, the material mutations start from.
    static func seedFrames(_ s: RawKafkaSocket) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        for v in Int16(0)...4 { frames.append(s.frame(ApiVersionsRequest(clientSoftwareName: "fuzz", clientSoftwareVersion: "1"), version: v)) }
        for v in Int16(0)...12 { frames.append(s.frame(MetadataRequest(topics: [.init(name: "fuzz-canary")]), version: v)) }
        for v in Int16(4)...17 {
            let fetch = FetchRequest(
                maxWaitMs: 10, minBytes: 1, maxBytes: 1 << 20,
                topics: [.init(topic: "fuzz-canary", partitions: [.init(partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20)])])
            frames.append(s.frame(fetch, version: v))
        }
        for v in Int16(0)...11 {
            var records = ByteBuffer()
            records.writeBytes([UInt8](repeating: 0, count: 61))
            let produce = ProduceRequest(
                acks: 1, timeoutMs: 1000,
                topicData: [.init(name: "fuzz-canary", partitionData: [.init(index: 0, records: .bytes(records))])])
            frames.append(s.frame(produce, version: v))
        }
        for v in Int16(0)...7 {
            frames.append(s.frame(CreateTopicsRequest(topics: [.init(name: "fuzz-\(v)", numPartitions: 1, replicationFactor: 1)]), version: v))
        }
        for v in Int16(0)...9 {
            frames.append(s.frame(ListOffsetsRequest(replicaId: -1, topics: [.init(name: "fuzz-canary", partitions: [.init(partitionIndex: 0, timestamp: -1)])]), version: v))
        }
        return frames
    }

    static func mutate(_ frame: [UInt8], rng: inout SplitMix64) -> [UInt8] {
        var out = frame
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:  // random garbage with a plausible size prefix
            let n = Int.random(in: 0..<512, using: &rng)
            out = [0, 0, UInt8(n >> 8), UInt8(n & 0xFF)] + (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 1:  // flip a few bytes after the size prefix
            for _ in 0..<Int.random(in: 1...8, using: &rng) where out.count > 4 {
                out[Int.random(in: 4..<out.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        case 2:  // truncate the body but keep the size
            out = Array(out.prefix(Int.random(in: 0...out.count, using: &rng)))
        case 3:  // lie about the size
            let size = UInt32.random(in: 0...UInt32(Int32.max), using: &rng)
            out.replaceSubrange(0..<4, with: [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)])
        case 4:  // unknown api key or version
            if out.count > 8 {
                out[4] = UInt8.random(in: 0...255, using: &rng)
                out[7] = UInt8.random(in: 0...255, using: &rng)
            }
        default:  // valid frame, as is
            break
        }
        return out
    }
}

/// A small seeded generator so a failing run can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
