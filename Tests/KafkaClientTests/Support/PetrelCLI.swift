import Foundation

/// Runs the built `petrel` binary: $PETREL_BIN, else .build/debug/petrel next to this package.
enum PetrelCLI {
    static let path: String? = {
        let env = ProcessInfo.processInfo.environment
        if let bin = env["PETREL_BIN"], FileManager.default.isExecutableFile(atPath: bin) { return bin }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidate = root.appendingPathComponent(".build/debug/petrel").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stderr without surrounding whitespace, split into lines.
        var errorLines: [String] {
            stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
    }

    /// Runs to completion (or kills it after `timeout`). KAFKA_URL is cleared unless given.
    static func run(_ arguments: [String], kafkaURL: String? = nil, timeout: Duration = .seconds(30)) async throws -> Result {
        let process = try start(arguments, kafkaURL: kafkaURL)
        let deadline = ContinuousClock.now + timeout
        while process.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.process.isRunning {
            process.kill()
            throw TestError("petrel \(arguments.joined(separator: " ")) did not finish in \(timeout)")
        }
        return Result(status: process.process.terminationStatus, stdout: process.stdout(), stderr: process.stderr())
    }

    static func start(_ arguments: [String], kafkaURL: String? = nil) throws -> Running {
        guard let path else { throw TestError("petrel binary not built") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["KAFKA_URL"] = kafkaURL
        p.environment = env
        let dir = try TestDirs.make(prefix: "petrel-cli-")
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
    final class Running: @unchecked Sendable {
        let process: Process
        let stdoutPath: String
        let stderrPath: String

        init(process: Process, stdoutPath: String, stderrPath: String) {
            self.process = process
            self.stdoutPath = stdoutPath
            self.stderrPath = stderrPath
        }

        func stdout() -> String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
        func stderr() -> String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        /// Polls until `predicate` holds for the output or the time is up.
        func waitFor(
            _ what: String, timeout: Duration = .seconds(15), _ predicate: (_ stdout: String, _ stderr: String) -> Bool
        ) async throws {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if predicate(stdout(), stderr()) { return }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TestError("petrel never showed \(what); stdout: \(stdout()) stderr: \(stderr())")
        }

        func kill() {
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        }

        deinit { kill() }
    }
}
