import Foundation
import TestSupport

/// librdkafka's mock cluster (via /work/shared/conformance/tools/mock_cluster.py) as a
/// subprocess: a Kafka-protocol peer serving Metadata, Produce, Fetch and ListOffsets, but no
/// admin APIs; topics are made through its control port.
///
/// Set KAFKA_CLIENT_TEST_BOOTSTRAP to run the same tests against a real broker instead.
final class MockCluster: @unchecked Sendable {
    static let script = PythonClients.sharedDirectory.appendingPathComponent("conformance/tools/mock_cluster.py").path
    static var python: String { PythonClients.python }

    /// Why the mock cannot run here, or nil when it can.
    static var unavailableReason: String? {
        if !FileManager.default.isExecutableFile(atPath: python) { return "no python venv at \(python)" }
        if !FileManager.default.fileExists(atPath: script) { return "no mock cluster script at \(script)" }
        return nil
    }

    let bootstrap: String
    let control: String
    private let process: Process

    private init(process: Process, bootstrap: String, control: String) {
        self.process = process
        self.bootstrap = bootstrap
        self.control = control
    }

    /// Starts a cluster of `brokers` brokers and waits until it has printed its addresses.
    static func start(brokers: Int = 1, timeout: Duration = .seconds(60)) async throws -> MockCluster {
        let dir = try TestDirs.make(prefix: "kafka-client-mock-")
        let info = dir + "/info"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script, "--brokers", "\(brokers)", "--info-file", info]
        p.standardOutput = FileHandle.nullDevice
        let log = dir + "/log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try p.run()
        let deadline = ContinuousClock.now + timeout
        var lines: [String: String] = [:]
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: info, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2 { lines[parts[0]] = parts[1] }
                }
                if lines["BOOTSTRAP"] != nil, lines["CONTROL"] != nil { break }
            }
            if !p.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let bootstrap = lines["BOOTSTRAP"], let control = lines["CONTROL"] else {
            kill(p.processIdentifier, SIGKILL)
            let err = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw TestError("mock cluster did not start: \(err.suffix(2000))")
        }
        return MockCluster(process: p, bootstrap: bootstrap, control: control)
    }

    /// Creates a topic through the control port ("create_topic name partitions rf").
    func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws {
        let reply = try Self.lineRequest(control, "create_topic \(name) \(partitions) \(replicationFactor)")
        guard reply == "OK" else { throw TestError("create_topic \(name): \(reply)") }
    }

    /// SIGTERM, then SIGKILL if the mock has not exited within two seconds (its shutdown can
    /// hang while clients are still connected).
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// One line out, one line back, over a fresh TCP connection.
    static func lineRequest(_ address: String, _ line: String) throws -> String {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw TestError("bad control address \(address)")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw TestError("cannot connect to control port \(address)") }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while !reply.contains(UInt8(ascii: "\n")) {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            reply += chunk[0..<n]
        }
        return String(decoding: reply, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
