import Foundation
import Testing
import TestSupport

/// A transactional producer (confluent-kafka on librdkafka) runs while the broker is killed
/// with SIGKILL, three times. Afterwards a read_committed consumer must see every committed
/// transaction exactly once, no record of an aborted one, and no transaction in part.
@Suite(.serialized) struct TransactionCrashTests {
    static let script = PythonClients.packageRoot.appendingPathComponent("Tests/IntegrationTests/Scripts/transactional_workload.py").path

    @Test func readCommittedSeesEachCommittedTransactionOnceAcrossKill9() throws {
        // Transactions left open by the kill time out after 5 s; look for them every 500 ms.
        let broker = try BrokerProcess(extraArguments: [
            "--set", "num.partitions=2", "--set", "transaction.abort.timed.out.transaction.cleanup.interval.ms=500",
        ])
        try broker.start()
        defer { broker.stop() }
        let work = try TempDirectory.make(prefix: "petrel-txn-crash-")
        let outcomes = work + "/outcomes"
        _ = FileManager.default.createFile(atPath: outcomes, contents: nil)
        for run in 0..<3 {
            let producer = try PythonClients.start(
                script: Self.script, arguments: ["produce", broker.bootstrap, "txn-crash", outcomes, "\(run)"],
                log: work + "/producer-\(run).log")
            // Kill the broker once this run has finished a few transactions.
            let deadline = Date().addingTimeInterval(60)
            while Self.lines(outcomes).filter({ $0.split(separator: " ").last?.hasPrefix("\(run).") == true }).count < 6 {
                guard Date() < deadline, producer.isRunning else {
                    kill(producer.processIdentifier, SIGKILL)
                    let log = String(decoding: FileManager.default.contents(atPath: work + "/producer-\(run).log") ?? Data(), as: UTF8.self)
                    Issue.record("run \(run) did not finish 6 transactions; producer output: \(log.suffix(2000)); broker: \(broker.logTail())")
                    return
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            broker.kill9()
            kill(producer.processIdentifier, SIGKILL)
            producer.waitUntilExit()
            try broker.start()
        }

        let verified = try PythonClients.run(script: Self.script, arguments: ["verify", broker.bootstrap, "txn-crash"], timeout: 120)
        #expect(verified.status == 0, "verify failed: \(verified.output.suffix(2000))")
        let values = verified.output.split(separator: "\n").map(String.init).filter { $0.contains("-p") }
        var seen: [String: Int] = [:]
        for value in values { seen[value, default: 0] += 1 }
        #expect(seen.values.allSatisfy { $0 == 1 }, "duplicated records: \(seen.filter { $0.value > 1 }.keys.sorted().prefix(5))")
        var byTransaction: [String: Set<String>] = [:]
        for value in seen.keys { byTransaction[String(value.split(separator: "-")[0]), default: []].insert(value) }

        var committed = 0
        for line in Self.lines(outcomes) {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 2 else { continue }
            let found = byTransaction.removeValue(forKey: parts[1]) ?? []
            if parts[0] == "commit" {
                committed += 1
                #expect(found.count == 10, "committed transaction \(parts[1]) has \(found.count) of its 10 records")
            } else {
                #expect(found.isEmpty, "aborted transaction \(parts[1]) is visible: \(found.sorted())")
            }
        }
        // Transactions cut off by a kill: all or nothing.
        for (transaction, found) in byTransaction {
            #expect(found.count == 10, "transaction \(transaction), cut off by a kill, is visible in part: \(found.sorted())")
        }
        #expect(committed >= 12, "only \(committed) transactions committed across 3 runs")
    }

    static func lines(_ path: String) -> [String] {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            .split(separator: "\n").map(String.init)
    }
}
