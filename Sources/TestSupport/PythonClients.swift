import Foundation

/// The real Python Kafka clients (confluent-kafka on librdkafka, kafka-python) from the
/// conformance suite's venv, which `scripts/test` installs before the Swift tests run.
public enum PythonClients {
    /// The checkout's root (this file is Sources/TestSupport/PythonClients.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the checkout, as CI lays it out.
    public static let sharedDirectory = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// $PETREL_CONFORMANCE_PYTHON, else the venv at $CONFORMANCE_VENV, else the suite's default.
    public static var python: String {
        let environment = ProcessInfo.processInfo.environment
        if let python = environment["PETREL_CONFORMANCE_PYTHON"] { return python }
        let venv = environment["CONFORMANCE_VENV"] ?? NSHomeDirectory() + "/.cache/petrel-conformance-venv"
        return venv + "/bin/python"
    }

    /// The interpreter, or an error telling how to get it (tests fail rather than skip).
    public static func requirePython() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestSupportError("no Python venv with the Kafka clients at \(python); run scripts/test (it runs ../shared/conformance/setup) or set PETREL_CONFORMANCE_PYTHON")
        }
        return python
    }

    /// Starts `script` with the venv's interpreter; its output goes to `log`.
    public static func start(script: String, arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requirePython())
        process.arguments = [script] + arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Runs `script` to the end (killed after `timeout`) and returns its exit status and output.
    public static func run(script: String, arguments: [String], timeout: TimeInterval) throws -> (status: Int32, output: String) {
        let log = try TempDirectory.make(prefix: "petrel-python-") + "/output"
        let process = try start(script: script, arguments: arguments, log: log)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestSupportError("\(script) did not finish within \(timeout)s; output: \(String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self).suffix(3000))")
        }
        let output = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
        return (process.terminationStatus, output)
    }
}
