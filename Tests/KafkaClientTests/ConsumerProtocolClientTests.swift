import Foundation
import KafkaClient
import Testing
import TestSupport

/// KIP-848 end to end: librdkafka consumers with group.protocol=consumer (confluent-kafka from
/// the conformance venv) against a real petrel broker. Two members split a topic, one leaves and
/// the other takes everything back, commits round-trip with member epochs (OffsetCommit and
/// OffsetFetch v9), and a regex subscription picks up matching topics.
@Suite(
    .serialized,
    .enabled(if: FileManager.default.isExecutableFile(atPath: MockCluster.python), "needs the conformance venv (confluent-kafka)"),
    .enabled(if: FileManager.default.isExecutableFile(atPath: BrokerProcess.binary), "needs the petrel binary"))
struct ConsumerProtocolClientTests {
    static let script = #"""
        import json, sys, time
        import confluent_kafka as ck
        from confluent_kafka.admin import AdminClient, NewTopic
        bs, mode = sys.argv[1], sys.argv[2]
        admin = AdminClient({"bootstrap.servers": bs})
        out = {}
        def consumer(group, name, subscription):
            c = ck.Consumer({"bootstrap.servers": bs, "group.id": group, "group.protocol": "consumer",
                             "auto.offset.reset": "earliest", "enable.auto.commit": False, "client.id": name})
            c.subscribe(subscription)
            return c
        def parts(c):
            return sorted((tp.topic, tp.partition) for tp in c.assignment())
        def pump(cs, until, seconds=40):
            end = time.time() + seconds
            while time.time() < end:
                for c in cs:
                    c.poll(0.1)
                if until():
                    return True
            return False
        if mode == "split":
            admin.create_topics([NewTopic("k848", 4, 1)])["k848"].result()
            p = ck.Producer({"bootstrap.servers": bs})
            for i in range(8):
                p.produce("k848", value=b"v%d" % i, partition=i % 4)
            p.flush()
            a = consumer("g848", "a", ["k848"])
            out["alone"] = pump([a], lambda: len(parts(a)) == 4)
            b = consumer("g848", "b", ["k848"])
            out["split"] = pump([a, b], lambda: len(parts(a)) == 2 and len(parts(b)) == 2 and not set(parts(a)) & set(parts(b)))
            out["a"], out["b"] = parts(a), parts(b)
            a.commit(offsets=[ck.TopicPartition("k848", p, 2, metadata="m") for _, p in parts(a)], asynchronous=False)
            got = a.committed([ck.TopicPartition("k848", p) for _, p in parts(a)], timeout=15)
            out["committed"] = sorted((tp.partition, tp.offset, tp.metadata) for tp in got)
            b.close()
            out["regained"] = pump([a], lambda: len(parts(a)) == 4)
            a.close()
        elif mode == "regex":
            for t in ("rx-one", "rx-two", "other"):
                admin.create_topics([NewTopic(t, 1, 1)])[t].result()
            c = consumer("grx", "r", ["^rx-.*"])
            out["matched"] = pump([c], lambda: len(parts(c)) == 2)
            out["parts"] = parts(c)
            c.close()
        print(json.dumps(out))
        """#

    static func run(_ mode: String, bootstrap: String) throws -> [String: Any] {
        let dir = try TestDirs.make(prefix: "k848-")
        let path = dir + "/client.py"
        try Self.script.write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: MockCluster.python)
        p.arguments = [path, bootstrap, mode]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last,
              let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            throw TestError("client script \(mode) failed with \(p.terminationStatus): \(String(data: data, encoding: .utf8) ?? "")")
        }
        return json
    }

    static func withBroker<T>(_ body: (BrokerProcess) throws -> T) throws -> T {
        let broker = try BrokerProcess()
        try broker.start()
        defer { broker.stop() }
        return try body(broker)
    }

    static func pairs(_ value: Any?) -> [[String]] {
        (value as? [[Any]] ?? []).map { $0.map { "\($0)" } }
    }

    @Test func twoMembersSplitCommitAndTakeOver() throws {
        let result = try Self.withBroker { broker in try Self.run("split", bootstrap: broker.bootstrap) }
        #expect(result["alone"] as? Bool == true)
        #expect(result["split"] as? Bool == true)
        let a = Self.pairs(result["a"]).map { $0[1] }
        let b = Self.pairs(result["b"]).map { $0[1] }
        #expect(Set(a + b) == ["0", "1", "2", "3"] && a.count == 2)
        #expect(Self.pairs(result["committed"]).map { [$0[1], $0[2]] } == [["2", "m"], ["2", "m"]])
        #expect(result["regained"] as? Bool == true)
    }

    @Test func regexSubscriptionMatchesTopicsOnTheBroker() throws {
        let result = try Self.withBroker { broker in try Self.run("regex", bootstrap: broker.bootstrap) }
        #expect(result["matched"] as? Bool == true)
        #expect(Self.pairs(result["parts"]).map { $0[0] } == ["rx-one", "rx-two"])
    }
}
