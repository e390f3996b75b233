import Foundation
import KafkaClient
import LocalCluster
import RdKafkaLoad
import TestSupport

extension Bench {
    /// `petrel dev` on a fresh data directory: seconds from exec until Metadata lists all three
    /// brokers and a controller.
    func runDevStartup() {
        let id = "dev-ready"
        guard plan.includes(id) else { return }
        var samples = Measured.Samples()
        var errors: [String] = []
        for _ in 0..<plan.repeats {
            do {
                samples.add(.seconds, try devTimeToReady())
            } catch {
                errors.append("\(error)")
                break
            }
        }
        var measured = samples.measured
        measured.errors = errors
        record(ScenarioResult(
            id: id, title: "`petrel dev` time to ready: 3 brokers and a controller in Metadata (fresh data dir)", kind: .footprint, settings: [:],
            petrel: measured, mock: nil))
    }

    private func devTimeToReady() throws -> Double {
        // `petrel dev` listens on three consecutive ports.
        let port = try LoopbackPort.freeRange(3)
        let dataDir = try TempDirectory.make(prefix: "petrel-bench-dev-")
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: petrelBinary)
        process.arguments = ["dev", "--port", "\(port)", "--data-dir", dataDir + "/data"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = MonotonicClock.now()
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let deadline = start + 30_000_000_000
        while MonotonicClock.now() < deadline {
            guard process.isRunning else { throw LoadError("petrel dev exited with \(process.terminationStatus)") }
            if FreePort.isListening(port), (try? apiVersions(port: port)) != nil,
                let metadata = try? withKafkaClient(
                    bootstrap: [BrokerAddress(host: "127.0.0.1", port: port)], clientId: "petrel-bench-dev",
                    { client in try await client.refreshMetadata(topics: []) }),
                metadata.brokers.count == 3, metadata.controllerId >= 0
            {
                return MonotonicClock.seconds(MonotonicClock.now() - start)
            }
            usleep(2_000)
        }
        throw LoadError("petrel dev did not answer within 30 s")
    }
}
