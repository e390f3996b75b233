import Foundation
import Testing
import TestSupport

/// A real client (kcat on librdkafka) against a real broker process.
@Suite(.serialized) struct KcatTests {
    @Test func producesAndConsumesKeyedRecords() throws {
        try #require(Kcat.isAvailable, "kcat is not installed (scripts/test installs it)")
        let broker = try BrokerProcess()
        try broker.start()
        defer { broker.stop() }
        let lines = (0..<500).map { "k\($0 % 7):value-\($0)" }
        try Kcat.produce(bootstrap: broker.bootstrap, topic: "kcat-keyed", lines: lines, keyed: true)
        let got = try Kcat.consumeAll(bootstrap: broker.bootstrap, topic: "kcat-keyed", format: "%k:%s\\n")
        #expect(got.sorted() == lines.sorted())
    }

    @Test func acknowledgedRecordsSurviveKill9() throws {
        try #require(Kcat.isAvailable, "kcat is not installed (scripts/test installs it)")
        let broker = try BrokerProcess()
        try broker.start()
        defer { broker.stop() }
        var expected: [String] = []
        for round in 0..<3 {
            let lines = (0..<2000).map { "r\(round)-\($0)-" + String(repeating: "x", count: $0 % 300) }
            for codec in ["none", "lz4"] {
                try Kcat.produce(bootstrap: broker.bootstrap, topic: "durable", lines: lines.map { "\(codec)-\($0)" }, extra: ["-z", codec])
                expected += lines.map { "\(codec)-\($0)" }
            }
            broker.kill9()
            try broker.start()
        }
        let got = try Kcat.consumeAll(bootstrap: broker.bootstrap, topic: "durable")
        #expect(got.count == expected.count)
        let missing = Set(expected).subtracting(got)
        #expect(missing.isEmpty, "\(missing.count) acknowledged records missing, e.g. \(missing.prefix(3))")
    }

    @Test func cleanRestartKeepsTopicsAndData() throws {
        try #require(Kcat.isAvailable, "kcat is not installed (scripts/test installs it)")
        let broker = try BrokerProcess()
        try broker.start()
        defer { broker.stop() }
        try Kcat.produce(bootstrap: broker.bootstrap, topic: "restart-me", lines: ["a", "b", "c"])
        broker.stop()
        try broker.start()
        try Kcat.produce(bootstrap: broker.bootstrap, topic: "restart-me", lines: ["d"])
        #expect(try Kcat.consumeAll(bootstrap: broker.bootstrap, topic: "restart-me") == ["a", "b", "c", "d"])
    }
}
