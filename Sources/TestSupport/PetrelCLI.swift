import Foundation

/// Runs the built `petrel` binary (`BrokerProcess.binary`: $PETREL_BIN, else .build/debug/petrel
/// next to this package) as a user would, its output in files readable while it runs.
public enum PetrelCLI {
    public static let path: String? = {
        let binary = BrokerProcess.binary
        return FileManager.default.isExecutableFile(atPath: binary) ? binary : nil
    }()

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        /// stderr without surrounding whitespace, split into lines.
        public var errorLines: [String] {
            stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
    }

    /// Runs to completion (or kills it after `timeout`). KAFKA_URL is cleared unless given.
    public static func run(_ arguments: [String], kafkaURL: String? = nil, timeout: Duration = .seconds(30)) async throws -> Result {
        let process = try start(arguments, kafkaURL: kafkaURL)
        let deadline = ContinuousClock.now + timeout
        while process.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.process.isRunning {
            process.kill()
            throw TestSupportError("petrel \(arguments.joined(separator: " ")) did not finish in \(timeout)")
        }
        return Result(status: process.process.terminationStatus, stdout: process.stdout(), stderr: process.stderr())
    }

    public static func start(_ arguments: [String], kafkaURL: String? = nil) throws -> Running {
        guard let path else { throw TestSupportError("petrel binary not built") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["KAFKA_URL"] = kafkaURL
        p.environment = env
        let dir = try TempDirectory.make(prefix: "petrel-cli-")
        let out = dir + "/stdout"
        let err = dir + "/stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return Running(process: p, stdoutPath: out, stderrPath: err)
    }

    /// A petrel process whose output goes to files, readable while it runs.
    public final class Running: @unchecked Sendable {
        public let process: Process
        public let stdoutPath: String
        public let stderrPath: String

        init(process: Process, stdoutPath: String, stderrPath: String) {
            self.process = process
            self.stdoutPath = stdoutPath
            self.stderrPath = stderrPath
        }

        public func stdout() -> String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
        public func stderr() -> String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        /// Polls until `predicate` holds for the output or the time is up.
        public func waitFor(
            _ what: String, timeout: Duration = .seconds(15), _ predicate: (_ stdout: String, _ stderr: String) -> Bool
        ) async throws {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if predicate(stdout(), stderr()) { return }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TestSupportError("petrel never showed \(what); stdout: \(stdout()) stderr: \(stderr())")
        }

        public func kill() {
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        }

        deinit { kill() }
    }
}
